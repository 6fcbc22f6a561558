"""Pictures for the demo newsroom, drawn locally with Pillow."""

import colorsys
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 675


def _rgb(hue: float, saturation: float, lightness: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def _sky(draw, hue):
    for y in range(HEIGHT):
        t = y / HEIGHT
        draw.line([(0, y), (WIDTH, y)], fill=_rgb(hue, 0.45, 0.78 - 0.35 * t))


def _mountains(draw, rnd, hue):
    for layer in range(3):
        base = 380 + layer * 90
        points = [(0, HEIGHT)]
        x = 0
        while x <= WIDTH:
            points.append((x, base - rnd.randint(40, 220 - layer * 50)))
            x += rnd.randint(90, 200)
        points += [(WIDTH, base), (WIDTH, HEIGHT)]
        draw.polygon(points, fill=_rgb(hue + 20 * layer, 0.3, 0.35 - layer * 0.08))


def _city(draw, rnd, hue):
    x = 0
    while x < WIDTH:
        w = rnd.randint(50, 130)
        h = rnd.randint(120, 420)
        draw.rectangle(
            [x, HEIGHT - h, x + w, HEIGHT],
            fill=_rgb(hue, 0.2, 0.18 + rnd.random() * 0.1),
        )
        for wy in range(HEIGHT - h + 14, HEIGHT - 10, 28):
            for wx in range(x + 8, x + w - 12, 20):
                if rnd.random() < 0.55:
                    draw.rectangle([wx, wy, wx + 9, wy + 13], fill=_rgb(48, 0.9, 0.7))
        x += w + rnd.randint(4, 18)


def _steppe(draw, rnd, hue):
    draw.rectangle([0, 430, WIDTH, HEIGHT], fill=_rgb(hue + 60, 0.45, 0.45))
    draw.ellipse([880, 90, 1010, 220], fill=_rgb(45, 0.95, 0.75))
    for _ in range(60):
        x, y = rnd.randint(0, WIDTH), rnd.randint(440, HEIGHT)
        draw.line(
            [(x, y), (x + rnd.randint(-6, 6), y - rnd.randint(8, 24))],
            fill=_rgb(hue + 70, 0.4, 0.3),
            width=2,
        )


def _circles(draw, rnd, hue):
    for _ in range(14):
        r = rnd.randint(30, 160)
        x, y = rnd.randint(0, WIDTH), rnd.randint(0, HEIGHT)
        draw.ellipse(
            [x - r, y - r, x + r, y + r], outline=_rgb(hue + 180, 0.5, 0.85), width=6
        )


def _grid(draw, rnd, hue):
    for i in range(0, WIDTH, 60):
        draw.line([(i, 0), (i, HEIGHT)], fill=_rgb(hue + 180, 0.4, 0.6), width=2)
    for j in range(0, HEIGHT, 60):
        draw.line([(0, j), (WIDTH, j)], fill=_rgb(hue + 180, 0.4, 0.6), width=2)
    for _ in range(20):
        x, y = rnd.randrange(0, WIDTH, 60), rnd.randrange(0, HEIGHT, 60)
        draw.rectangle([x, y, x + 60, y + 60], fill=_rgb(hue + 200, 0.7, 0.55))


def _stadium(draw, rnd, hue):
    draw.rectangle([0, 360, WIDTH, HEIGHT], fill=_rgb(120, 0.55, 0.38))
    for k in range(5):
        draw.line(
            [(0, 400 + k * 60), (WIDTH, 400 + k * 60)],
            fill=_rgb(120, 0.3, 0.6),
            width=3,
        )
    draw.ellipse([540, 460, 660, 580], outline=(255, 255, 255), width=5)


def _globe(draw, rnd, hue):
    cx, cy, r = WIDTH // 2, HEIGHT // 2, 250
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_rgb(hue, 0.55, 0.45))
    for k in range(-3, 4):
        w = abs(r * math.cos(k * math.pi / 8))
        draw.ellipse(
            [cx - w, cy - r, cx + w, cy + r], outline=_rgb(hue, 0.3, 0.8), width=3
        )
        y = cy + r * math.sin(k * math.pi / 8)
        half = math.sqrt(max(r * r - (y - cy) ** 2, 0))
        draw.line([(cx - half, y), (cx + half, y)], fill=_rgb(hue, 0.3, 0.8), width=3)


MOTIFS = {
    "mountains": _mountains,
    "city": _city,
    "steppe": _steppe,
    "factory": _city,
    "stadium": _stadium,
    "classroom": _grid,
    "hospital": _circles,
    "chip": _grid,
    "globe": _globe,
}


def draw_picture(motif: str, hue: int, seed: str) -> bytes:
    """Return a JPEG of a simple scene for a demo story."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, hue)
    MOTIFS.get(motif, _mountains)(draw, rnd, hue)
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()
