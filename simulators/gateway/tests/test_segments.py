"""SMS segments: GSM-7 (160 / 153 per segment, extension characters count twice) against
UCS-2 (70 / 67, an emoji counts twice), and the 6-segment limit, over HTTP."""

from __future__ import annotations

import pytest

from simulators.gateway import sms

from .conftest import send

GSM_BASIC_SAMPLE = "Halo Budi, dokumen @ MPP siap: Rp 10.000 (Ä Ö Ñ Ü ä ö ñ ü à é è ù ì ò Ç ¿ ¡ § £ ¥ ¤ Δ Φ Γ)."


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a", "GSM-7", 1),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("a" * 918, "GSM-7", 6),
        (GSM_BASIC_SAMPLE, "GSM-7", 1),
        ("{" * 80, "GSM-7", 1),  # 160 septets
        ("{" * 81, "GSM-7", 2),  # 162 septets
        ("€" * 459, "GSM-7", 6),  # 918 septets
        ("ā" * 70, "UCS-2", 1),  # ā (Latin a with macron) is outside GSM-7
        ("ā" * 71, "UCS-2", 2),
        ("a" * 150 + "`", "UCS-2", 3),  # a backtick is not GSM-7 either: 151 units of UCS-2
        ("😀" * 35, "UCS-2", 1),  # 70 UTF-16 units
        ("😀" * 36, "UCS-2", 2),
        ("Terima kasih 🙏" + "a" * 387, "UCS-2", 6),  # 13 + 2 + 387 = 402 units
    ],
)
def test_segments_are_counted_by_encoding_over_http(api, text, encoding, segments):
    assert sms.encoding(text) == encoding
    response = send(api, {"channel": "sms", "to": "+6281234500001", "text": text})
    assert response.status_code == 202, response.json()
    assert response.json()["segments"] == segments


@pytest.mark.parametrize(
    ("text", "limit", "got"),
    [
        ("a" * 919, 918, 919),
        ("€" * 460, 918, 920),
        ("a" * 917 + "^", 918, 919),
        ("ā" * 403, 402, 403),
        ("😀" * 202, 402, 404),
    ],
)
def test_an_sms_over_six_segments_is_422(gateway, api, text, limit, got):
    response = send(api, {"channel": "sms", "to": "+6281234500002", "text": text})
    assert response.status_code == 422
    error = response.json()["errors"]["text"]
    assert error.startswith(f"at most {limit} ") and error.endswith(f"got {got}")
    assert gateway.messages(to="+6281234500002") == []


def test_the_same_long_texts_are_fine_on_whatsapp(api):
    response = send(api, {"channel": "whatsapp", "to": "+6281234500003", "text": "ā" * 403})
    assert response.status_code == 202 and response.json()["segments"] == 1
