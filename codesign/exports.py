"""Helpers for files people download: CSV cells that cannot run as formulas, streaming CSV,
and responses for private files."""

from django.http import FileResponse

# A cell starting with one of these runs as a formula in a spreadsheet (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each one character: a cell's first is asked


class Echo:
    """A file-like object that hands back what is written, for streaming CSV rows."""

    def write(self, value):
        return value


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = value if type(value) is str else ("" if value is None else str(value))
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def private_file_response(file, *, content_type: str, filename: str, attachment: bool):
    """A file only signed-in people with permission may see: never cached by proxies, never
    sniffed into another type."""
    response = FileResponse(
        file, content_type=content_type, as_attachment=attachment, filename=filename
    )
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
