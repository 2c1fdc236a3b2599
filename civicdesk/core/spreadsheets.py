"""CSV files that people open in a spreadsheet (Excel, above all): one way to start the download
and one rule for free text in a cell, for every export."""

from django.http import HttpResponse

# Without a byte order mark Excel reads UTF-8 as the computer's legacy code page and garbles
# Chinese names and comments; programs reading a documented open-data file want none.
EXCEL_BOM = "\ufeff"


def csv_response(filename: str, *, for_excel: bool) -> HttpResponse:
    """An empty CSV download named `filename`, ready for csv.writer; led by the byte order
    mark when it is meant for Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if for_excel:
        response.write(EXCEL_BOM)
    return response


def formula_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; free text and names must
    not, so such a cell is led by an apostrophe."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
