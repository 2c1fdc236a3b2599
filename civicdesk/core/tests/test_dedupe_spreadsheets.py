"""The one way civicdesk starts a CSV download for spreadsheets, and its rule for formula-like
text in a cell (pledges, surveys and insights export through it)."""

import csv
import io

from civicdesk.core.spreadsheets import csv_response, formula_safe

BOM = b"\xef\xbb\xbf"


def _write(response, rows):
    writer = csv.writer(response)
    writer.writerows(rows)
    return response.content


def test_a_csv_for_excel_is_led_by_the_byte_order_mark_and_reads_back_as_written():
    response = csv_response("staff-HDB.csv", for_excel=True)
    content = _write(response, [["name", "site"], ["陳大文", "Mong Kok"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="staff-HDB.csv"'
    assert content.startswith(BOM)
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [
        ["name", "site"],
        ["陳大文", "Mong Kok"],
    ]


def test_a_csv_for_programs_has_no_byte_order_mark():
    plain = _write(csv_response("open.csv", for_excel=False), [["a"], ["b"]])
    excel = _write(csv_response("open.csv", for_excel=True), [["a"], ["b"]])
    assert not plain.startswith(BOM)
    assert excel == BOM + plain


def test_text_a_spreadsheet_would_run_as_a_formula_is_led_by_an_apostrophe():
    for text in ("=SUM(A1:A9)", "+852 9123 4567", "-1", "@cmd"):
        assert formula_safe(text) == "'" + text
    for text in ("", "Chan Tai Man", "陳大文", " =not first", "1+1"):
        assert formula_safe(text) == text
