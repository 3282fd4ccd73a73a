"""Server-rendered SVG bar charts of report tables. A chart never stands alone: the table with its numbers follows
it, and its text alternative says what it shows.

The SVG draws the bars and their numbers only; the labels are HTML text beside it (``report_pdf.html``), one line per
bar at the bars' pitch. WeasyPrint lays out Arabic text inside an SVG in reverse, letter by letter, once the document
has laid out other text before it, and labels as real text are also part of the tagged PDF's reading order.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from teilhabe.reports.tables import ReportTable

PLOT = 230
VALUE_WIDTH = 50
WIDTH = PLOT + VALUE_WIDTH
BAR_HEIGHT = 16
GAP = 8
PITCH = BAR_HEIGHT + GAP  # one bar, and one label line beside it (CSS px in the PDF)
FONT = "Noto Sans, sans-serif"


def chart_height(table: ReportTable) -> int:
    return max(1, len(table.rows)) * PITCH + GAP


def bar_chart_svg(table: ReportTable, *, rtl: bool = False) -> str:
    """Bars of the table's second column, one per row, with its number; a suppressed count has no bar, only its
    "< k". Right to left, the bars grow from the right edge (beside the labels) leftwards."""
    values = [row[1] if isinstance(row[1], int) else 0 for row in table.rows]
    top = max(values, default=0) or 1
    height = chart_height(table)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'font-family="{FONT}" font-size="11">'
    ]
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        y = GAP + index * PITCH
        length = round(PLOT * value / top, 1)
        text = escape(table.cell_text(1, row[1]))
        middle = y + BAR_HEIGHT * 0.75
        if rtl:
            parts.append(
                f'<rect x="{WIDTH - length}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#1f5f8b"/>'
                f'<text x="{WIDTH - length - 4}" y="{middle}" text-anchor="end">{text}</text>'
            )
        else:
            parts.append(
                f'<rect x="0" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#1f5f8b"/>'
                f'<text x="{length + 4}" y="{middle}">{text}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
