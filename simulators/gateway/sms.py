"""How many SMS segments a text costs (3GPP TS 23.038 / 23.040).

A text made only of the GSM 7-bit default alphabet travels as GSM-7: 160 septets in one
SMS, 153 per segment once concatenated (the user data header takes 7). The characters of
the extension table (`^{}\\[~]|€` and form feed) need an escape septet, so they count
twice. Any other character (`é`, `ā`, an emoji, a backtick) switches the whole text to
UCS-2: 70 UTF-16 code units in one SMS, 67 per segment, an emoji outside the BMP taking two.
Aggregators bill per segment, which is why the gateway answers with the count.
"""

from __future__ import annotations

import math
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
MAX_SEGMENTS = 6
# (one SMS, per segment of a concatenated one)
_CAPACITY = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

Encoding = Literal["GSM-7", "UCS-2"]


def encoding(text: str) -> Encoding:
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def length(text: str) -> int:
    """The text's length in its encoding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if encoding(text) == "GSM-7":
        return len(text) + sum(c in GSM7_EXTENSION for c in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    single, per_segment = _CAPACITY[encoding(text)]
    units = length(text)
    return 1 if units <= single else math.ceil(units / per_segment)


def max_length(text: str) -> int:
    """The most units a text in this one's encoding may have: 918 for GSM-7, 402 for UCS-2."""
    return MAX_SEGMENTS * _CAPACITY[encoding(text)][1]
