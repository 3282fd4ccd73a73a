"""Server-rendered SVG bar charts of report tables. A chart never stands alone: the table with its numbers follows
it, and its text alternative says what it shows."""

from __future__ import annotations

from xml.sax.saxutils import escape

from teilhabe.reports.tables import ReportTable

WIDTH = 480
BAR_HEIGHT = 16
GAP = 8
LABEL_WIDTH = 190
VALUE_WIDTH = 50
# WeasyPrint shapes an SVG text run with its first font: Arabic labels need an Arabic font first (with Noto Sans
# first they come out letter by letter, reversed), and Noto Naskh Arabic has the digits too.
LATIN_FIRST = "Noto Sans, Noto Naskh Arabic, sans-serif"
ARABIC_FIRST = "Noto Naskh Arabic, Noto Sans Arabic, Noto Sans, sans-serif"


def bar_chart_svg(table: ReportTable, *, rtl: bool = False) -> str:
    """Bars of the table's second column, one per row; a suppressed count has no bar, only its "< k"."""
    rows = table.rows
    values = [row[1] if isinstance(row[1], int) else 0 for row in rows]
    top = max(values, default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="{ARABIC_FIRST if rtl else LATIN_FIRST}" font-size="11">'
    ]
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(plot * value / top, 1)
        label, text = escape(str(row[0])), escape(table.cell_text(1, row[1]))
        middle = y + BAR_HEIGHT * 0.75
        # Mirrored for right-to-left: labels on the right, bars grow leftwards. (No SVG ``direction="rtl"``: with it
        # WeasyPrint anchors the label's end on its left side, outside the picture.)
        if rtl:
            parts.append(
                f'<text x="{WIDTH - 2}" y="{middle}" text-anchor="end">{label}</text>'
                f'<rect x="{WIDTH - LABEL_WIDTH - length}" y="{y}" width="{length}" height="{BAR_HEIGHT}" '
                'fill="#1f5f8b"/>'
                f'<text x="{WIDTH - LABEL_WIDTH - length - 4}" y="{middle}" text-anchor="end">{text}</text>'
            )
        else:
            parts.append(
                f'<text x="0" y="{middle}">{label}</text>'
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#1f5f8b"/>'
                f'<text x="{LABEL_WIDTH + length + 4}" y="{middle}">{text}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
