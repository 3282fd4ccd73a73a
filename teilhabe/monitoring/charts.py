"""Server-rendered SVG bar charts: no JavaScript, no third-party code. Each chart carries its text alternative
(``<title>`` and ``<desc>``, tied by ``aria-labelledby``) and is shown beside its data table, which holds the same
numbers. Bars are laid out from the start of the line in the page's direction (right to left in Arabic and
Persian), and labels are isolated so that mixed scripts keep their order."""

from dataclasses import dataclass
from html import escape

BAR_HEIGHT = 24
GAP = 8
LABEL_WIDTH = 180
VALUE_WIDTH = 56
WIDTH = 480


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not shown (suppressed or unknown); the text says why
    text: str  # the value as the table shows it ("12", "< 5", "31.2 %")


def bar_chart_svg(*, chart_id: str, title: str, description: str, bars: list[Bar], rtl: bool = False) -> str:
    """A horizontal bar chart as inline SVG markup (safe to mark safe: every text is escaped)."""
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    largest = max((bar.value for bar in bars if bar.value), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        # Geometry is laid out here for either direction; "ltr" keeps text-anchor meaning left/right.
        'direction="ltr" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = 0 if not bar.value else max(1.0, plot * bar.value / largest)
        middle = y + BAR_HEIGHT / 2
        if rtl:
            label_x, anchor_label = WIDTH, "end"
            bar_x = WIDTH - LABEL_WIDTH - length
            value_x, anchor_value = bar_x - 6, "end"
        else:
            label_x, anchor_label = 0, "start"
            bar_x = LABEL_WIDTH
            value_x, anchor_value = LABEL_WIDTH + length + 6, "start"
        parts.append(
            f'<text x="{label_x}" y="{middle:.1f}" dominant-baseline="middle" text-anchor="{anchor_label}" '
            f'class="bar-label">{escape(_short(bar.label))}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{bar_x:.1f}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" class="bar"></rect>'
            )
        parts.append(
            f'<text x="{value_x:.1f}" y="{middle:.1f}" dominant-baseline="middle" text-anchor="{anchor_value}" '
            f'class="bar-value">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 20) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def chart_description(title: str, bars: list[Bar]) -> str:
    """The text alternative: every bar's label and value, in the table's order."""
    return f"{title}: " + "; ".join(f"{bar.label} {bar.text}" for bar in bars) + "."
