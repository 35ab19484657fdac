"""CSV files people open in spreadsheets: formula-safe cells, one record per line (RFC 4180, CRLF)."""
import csv
import io
from datetime import date, datetime

from flask import Response

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet shows it as text: a leading quote before anything formula-like (numbers stay)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain_cell(value):
    """A cell as written: dates in ISO form, None empty, floats rounded to 4 places, text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return safe_cell(value)


def csv_line(values):
    """One CSV record with every cell made formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([plain_cell(value) for value in values])
    return buffer.getvalue()


def csv_text(header, rows):
    """A whole CSV document: the header, then the rows."""
    return csv_line(header) + "".join(csv_line(row) for row in rows)


def csv_response(text, filename):
    """A CSV download of ``text`` named ``filename``."""
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
