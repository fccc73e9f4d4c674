"""QR codes as inline SVG, drawn on the server (no script, no image request): a sign-in app's secret, a
ticket's page, a booking's code, a bill's QRIS."""

import qrcode
import qrcode.image.svg


def svg(data: str, *, border: int = 4) -> str:
    """``data`` as an SVG document (a single path; it scales with its container)."""
    return qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=border).to_string(encoding="unicode")
