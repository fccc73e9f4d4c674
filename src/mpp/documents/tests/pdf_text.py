"""The text a PDF shows, good enough for tests: every string drawn, one per line (pyHanko reads it)."""

import re
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader

_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)\s*Tj", re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def page_streams(pdf_bytes: bytes) -> list[bytes]:
    """Each page's content stream, decompressed."""
    reader = PdfFileReader(BytesIO(pdf_bytes), strict=False)
    streams = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        contents = reader.root["/Pages"]["/Kids"][index]["/Contents"]
        parts = contents if isinstance(contents, list) else [contents]
        streams.append(b"".join(part.get_object().data for part in parts))
    return streams


def page_texts(pdf_bytes: bytes) -> list[str]:
    return [
        "\n".join(_unescape(match.group(0).rsplit(b")", 1)[0][1:]) for match in _STRING.finditer(stream))
        for stream in page_streams(pdf_bytes)
    ]


def text(pdf_bytes: bytes) -> str:
    return "\n".join(page_texts(pdf_bytes))


def _unescape(literal: bytes) -> str:
    def replace(match):
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8) & 0xFF])
        return _SIMPLE.get(escaped, escaped)

    return _ESCAPE.sub(replace, literal).decode("cp1252", errors="replace")
