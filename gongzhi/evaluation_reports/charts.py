"""Charts of an evaluation report drawn on the server as PNG (Pillow), so that the PDF, the Word
file and the page carry the same picture with no script and nothing fetched: horizontal bars,
one group per row (a neighborhood, a party), one bar per series, the value written at the bar's
end; a row without a figure says so instead of drawing a bar of 0. Text is drawn with the
machine's CJK font (fonts-wqy-microhei or Noto CJK). The last pictures drawn are kept in memory:
the report's PDF and its Word file, made one after the other, draw each chart once."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
COLOURS = ("#2f6fb0", "#e08a2e", "#3f9a5a", "#8b5fbf")
WIDTH, LABEL_W, ROW_GAP, BAR_H, MARGIN = 1000, 230, 14, 16, 24


class NoCJKFont(RuntimeError):
    pass


@cache
def _font_file() -> str:
    for path in FONT_FILES:
        if Path(path).exists():
            return path
    raise NoCJKFont("no CJK font: install fonts-wqy-microhei")


def _font(size: int):
    return ImageFont.truetype(_font_file(), size)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # one per row: a number 0…maximum, or None (no figure)


def bars(title: str, rows: list[str], series: list[Series], *, maximum: float = 100, unit: str = "%",
         empty: str = "—") -> bytes:  # fmt: skip
    """A PNG of horizontal grouped bars: `rows` down the left, one bar per series in each row."""
    series = tuple(Series(str(s.name), tuple(s.values)) for s in series)
    return _bars(str(title), tuple(str(r) for r in rows), series, maximum, unit, str(empty))


@lru_cache(maxsize=8)
def _bars(title: str, rows: tuple[str, ...], series: tuple[Series, ...], maximum: float, unit: str,
          empty: str) -> bytes:  # fmt: skip
    title_font, font, small = _font(22), _font(16), _font(14)
    group_h = len(series) * BAR_H + ROW_GAP
    legend_h = 30 if len(series) > 1 else 0
    top = MARGIN + 34 + legend_h
    height = top + max(len(rows), 1) * group_h + MARGIN + 20
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, font=title_font, fill="#222222")
    x = MARGIN
    for index, s in enumerate(series if len(series) > 1 else ()):
        draw.rectangle((x, MARGIN + 40, x + 14, MARGIN + 54), fill=COLOURS[index % len(COLOURS)])
        draw.text((x + 20, MARGIN + 37), s.name, font=small, fill="#333333")
        x += 40 + int(draw.textlength(s.name, font=small))
    plot_w = WIDTH - LABEL_W - MARGIN - 70
    # the scale: 0, 50 %, 100 % lines
    for share in (0, 0.5, 1):
        gx = LABEL_W + int(plot_w * share)
        draw.line((gx, top - 6, gx, top + len(rows) * group_h), fill="#dddddd", width=1)
        draw.text((gx - 8, top + len(rows) * group_h + 2), f"{maximum * share:g}", font=small, fill="#777777")
    for r, label in enumerate(rows):
        y = top + r * group_h
        shown = label if draw.textlength(label, font=font) <= LABEL_W - 16 else label[:11] + "…"
        draw.text((MARGIN, y + (len(series) * BAR_H - 18) // 2), shown, font=font, fill="#222222")
        for index, s in enumerate(series):
            value = s.values[r]
            by = y + index * BAR_H
            if value is None:
                draw.text((LABEL_W + 4, by), empty, font=small, fill="#999999")
                continue
            share = max(0.0, min(float(value) / maximum, 1.0))
            draw.rectangle(
                (LABEL_W, by + 1, LABEL_W + max(int(plot_w * share), 1), by + BAR_H - 2),
                fill=COLOURS[index % len(COLOURS)],
            )
            draw.text(
                (LABEL_W + int(plot_w * share) + 6, by - 1), f"{float(value):g}{unit}", font=small, fill="#333333"
            )
    out = io.BytesIO()
    image.save(out, "PNG")  # zlib's default level: `optimize` took 4/5 of the drawing for 3 % less
    return out.getvalue()
