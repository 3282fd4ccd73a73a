"""How a report table prints its cells, and reports stored before columns had kinds."""

from django.utils import translation

from teilhabe.reports.tables import AMOUNT, COUNT, PEOPLE, PERCENT, RATIO, TEXT, Column, ReportTable


def table(*columns: Column, rows: list) -> ReportTable:
    return ReportTable(key="t", title="T", description="", columns=list(columns), rows=rows, k=5)


def test_cells_print_as_the_dashboard_prints_them():
    with translation.override("en"):
        printed = table(
            Column("group", "Group", TEXT),
            Column("people", "People", PEOPLE),
            Column("share", "Share", PERCENT),
            Column("ratio", "Ratio", RATIO),
            Column("granted", "Granted", AMOUNT),
            rows=[["a", None, None, None, "0.00"], ["b", 12, 12.5, 1.25, "1250.00"]],
        ).text_rows()
    assert printed == [["a", "< 5", "unknown", "unknown", "0.00"], ["b", "12", "12.5 %", "1.25", "1250.00"]]


def test_a_report_stored_before_column_kinds_reads_as_counts():
    stored = {
        "key": "overview",
        "title": "Overview",
        "description": "",
        "columns": [
            {"key": "figure", "label": "Figure", "numeric": False},
            {"key": "count", "label": "N", "numeric": True},
        ],
        "rows": [["Contributions", 15], ["People", None]],
        "chart": False,
        "people": True,
        "k": 5,
    }
    read = ReportTable.from_dict(stored)
    assert [column.kind for column in read.columns] == [TEXT, COUNT]
    assert read.text_rows() == [["Contributions", "15"], ["People", "< 5"]]
    assert ReportTable.from_dict(read.as_dict()) == read
