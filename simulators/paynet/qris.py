"""Dynamic QRIS: the EMVCo merchant-presented QR string the network hands out for a bill, and
reading one back (the bank page's "paste the QR" form).

A string is a run of TLV fields (two-digit tag, two-digit length, value) ending with tag 63,
the CRC-16/CCITT-FALSE of everything before its four hex digits, "6304" included.
"""

from __future__ import annotations

import hashlib

QRIS_GUI = "ID.CO.QRIS.WWW"
MCC_GOVERNMENT_SERVICES = "9399"
CURRENCY_RUPIAH = "360"
MAX_NAME, MAX_CITY = 25, 15  # EMVCo's limits for tags 59 and 60
_CRC_TAG = "6304"


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _field(tag: str, value: str) -> str:
    if not 0 < len(value) <= 99:
        raise ValueError(f"tag {tag} must hold 1 to 99 characters")
    return f"{tag}{len(value):02d}{value}"


def merchant_presented(
    *, amount: int, reference: str, merchant_id: str, merchant_name: str, merchant_city: str, acquirer: str
) -> str:
    """The dynamic QR of one payment: `amount` whole rupiah, `reference` in tag 62.05."""
    national_id = "ID" + str(int(hashlib.sha256(merchant_id.encode()).hexdigest(), 16))[:13]
    account = _field("00", QRIS_GUI) + _field("01", f"9360{acquirer:0>8}") + _field("02", national_id)
    payload = "".join(
        (
            _field("00", "01"),
            _field("01", "12"),  # dynamic: one payment of one amount
            _field("26", account + _field("03", "UBE")),
            _field("52", MCC_GOVERNMENT_SERVICES),
            _field("53", CURRENCY_RUPIAH),
            _field("54", str(amount)),
            _field("58", "ID"),
            _field("59", merchant_name[:MAX_NAME]),
            _field("60", merchant_city[:MAX_CITY]),
            _field("62", _field("05", reference)),
            _CRC_TAG,
        )
    )
    return f"{payload}{crc16(payload.encode()):04X}"


def fields(content: str) -> dict[str, str]:
    """The top-level fields of a QR string by tag; ValueError when its structure or CRC is wrong."""
    if len(content) < 8 or content[-8:-4] != _CRC_TAG:
        raise ValueError("the QR does not end with its CRC (tag 63)")
    if content[-4:] != f"{crc16(content[:-4].encode()):04X}":
        raise ValueError("the QR's CRC does not match its content")
    return _tlv(content)


def reference_of(content: str) -> str:
    """The reference (tag 62.05) of a QR string; ValueError when it is malformed or has none."""
    reference = _tlv(fields(content).get("62", "")).get("05")
    if not reference:
        raise ValueError("the QR carries no reference (tag 62.05)")
    return reference


def _tlv(text: str) -> dict[str, str]:
    found, at = {}, 0
    while at < len(text):
        tag, length = text[at : at + 2], text[at + 2 : at + 4]
        if not (tag.isdigit() and length.isdigit()) or at + 4 + int(length) > len(text):
            raise ValueError(f"malformed field at position {at}")
        found[tag] = text[at + 4 : at + 4 + int(length)]
        at += 4 + int(length)
    return found
