"""Draw the integration's brand icon: a stylised BAS-IP style door intercom panel.

Run ``python -m scripts.brand_icon`` to regenerate
``custom_components/bas_ip/brand/icon.png`` (256x256) and ``icon@2x.png``
(512x512). The artwork is drawn at 1024 px and scaled down for smooth edges.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

CANVAS = 1024
SIZES = {"icon.png": 256, "icon@2x.png": 512}
BRAND_DIR = Path(__file__).resolve().parent.parent / "custom_components" / "bas_ip" / "brand"

PANEL = (38, 50, 66, 255)
PANEL_EDGE = (86, 104, 128, 255)
GLASS = (14, 20, 30, 255)
LENS = (52, 140, 220, 255)
LENS_GLINT = (200, 230, 255, 255)
SCREEN = (64, 170, 230, 255)
SCREEN_LINE = (210, 238, 255, 255)
CALL = (46, 196, 120, 255)
CALL_SYMBOL = (255, 255, 255, 255)
GRILLE = (120, 138, 160, 255)


def draw_icon() -> Image.Image:
    """Return the icon at full canvas resolution with a transparent background."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    # Portrait panel body with a lighter rim, centred on the canvas.
    draw.rounded_rectangle((232, 40, 792, 984), radius=110, fill=PANEL_EDGE)
    draw.rounded_rectangle((256, 64, 768, 960), radius=92, fill=PANEL)

    # Camera: dark glass bezel, blue lens, small highlight.
    draw.ellipse((436, 118, 588, 270), fill=GLASS)
    draw.ellipse((470, 152, 554, 236), fill=LENS)
    draw.ellipse((492, 170, 516, 194), fill=LENS_GLINT)

    # Display showing a stylised "connected" signal: three arcs over a dot.
    draw.rounded_rectangle((316, 318, 708, 574), radius=36, fill=GLASS)
    draw.rounded_rectangle((336, 338, 688, 554), radius=24, fill=SCREEN)
    centre_x, base_y = 512, 512
    for radius in (56, 104, 152):
        draw.arc(
            (centre_x - radius, base_y - radius, centre_x + radius, base_y + radius),
            start=225,
            end=315,
            fill=SCREEN_LINE,
            width=22,
        )
    draw.ellipse((centre_x - 20, base_y - 20, centre_x + 20, base_y + 20), fill=SCREEN_LINE)

    # Round call button with a bell.
    draw.ellipse((412, 624, 612, 824), fill=CALL)
    draw.chord((452, 664, 572, 800), start=180, end=360, fill=CALL_SYMBOL)
    draw.rectangle((452, 730, 572, 770), fill=CALL_SYMBOL)
    draw.rounded_rectangle((436, 762, 588, 786), radius=12, fill=CALL_SYMBOL)
    draw.ellipse((496, 784, 528, 812), fill=CALL_SYMBOL)

    # Speaker grille slots at the bottom.
    for row, y in enumerate(range(862, 922, 28)):
        inset = 40 if row else 0
        draw.rounded_rectangle((392 + inset, y, 632 - inset, y + 12), radius=6, fill=GRILLE)
    return image


def write_icons(directory: Path = BRAND_DIR) -> list[Path]:
    """Render every size into ``directory`` and return the written paths."""
    directory.mkdir(parents=True, exist_ok=True)
    artwork = draw_icon()
    written = []
    for name, size in SIZES.items():
        path = directory / name
        artwork.resize((size, size), Image.Resampling.LANCZOS).save(path, optimize=True)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_icons():
        print(written_path)
