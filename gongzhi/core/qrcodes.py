"""QR codes for printed posters: drawn as an inline SVG path, sharp at any size."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """`data` as a QR code in an <svg> element sized by its container (no fixed width/height)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg class="qr" role="img"', svg, count=1)
