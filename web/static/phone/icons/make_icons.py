"""Draw the app icons (a house on a blue field). Run: python web/static/phone/icons/make_icons.py"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent


def icon(size: int) -> Image.Image:
    s = size / 512
    img = Image.new("RGB", (size, size), (11, 61, 145))
    d = ImageDraw.Draw(img)
    white, amber = (255, 255, 255), (255, 193, 7)
    d.polygon([(256 * s, 96 * s), (432 * s, 248 * s), (80 * s, 248 * s)], fill=white)  # roof
    d.rectangle([120 * s, 240 * s, 392 * s, 410 * s], fill=white)  # walls
    d.rectangle([222 * s, 300 * s, 290 * s, 410 * s], fill=(11, 61, 145))  # door
    d.rectangle([150 * s, 280 * s, 200 * s, 330 * s], fill=amber)  # window
    d.rectangle([312 * s, 280 * s, 362 * s, 330 * s], fill=amber)
    return img


if __name__ == "__main__":
    for n in (192, 512):
        icon(n).save(HERE / f"icon-{n}.png", optimize=True)
