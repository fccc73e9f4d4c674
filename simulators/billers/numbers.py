"""The numbers citizens pay by: a tax object's NOP and a water customer's number.

NOP (Nomor Objek Pajak), 18 digits, written 64.72.010.001.002-0123.0: province (2), regency
(2), kecamatan (3: the Kemendagri code and a 0), kelurahan (3), block (3), object number (4)
and object code (1). Citizens type it with or without the dots and dash, so both are taken;
it is stored as its 18 digits and shown written out.

A PDAM customer number (nomor sambungan) is 10 digits: the service zone (2) and a serial (8).
"""

from __future__ import annotations

import re

_NOP = re.compile(r"[0-9]{18}")
_NOP_SEPARATORS = re.compile(r"[.\-]")
_MAX_WRITTEN_NOP = 30  # 18 digits and a few separators; anything longer is not a NOP
_CUSTOMER_NUMBER = re.compile(r"[0-9]{10}")


def parse_nop(raw: str) -> str:
    """The 18 digits of a NOP written with or without dots and dashes; ValueError otherwise."""
    digits = _NOP_SEPARATORS.sub("", raw) if len(raw) <= _MAX_WRITTEN_NOP else raw
    if not _NOP.fullmatch(digits):
        raise ValueError("a NOP is 18 digits, written with or without dots and dashes: 64.72.010.001.002-0123.0")
    return digits


def show_nop(digits: str) -> str:
    """The NOP as an SPPT prints it: 64.72.010.001.002-0123.0."""
    d = digits
    return f"{d[0:2]}.{d[2:4]}.{d[4:7]}.{d[7:10]}.{d[10:13]}-{d[13:17]}.{d[17]}"


def parse_customer_number(raw: str) -> str:
    """A PDAM customer number (10 digits); ValueError otherwise."""
    if not _CUSTOMER_NUMBER.fullmatch(raw):
        raise ValueError("a PDAM customer number is 10 digits")
    return raw
