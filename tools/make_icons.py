"""Draw the app icons (PNG, 192 and 512 px, plain and maskable) from the stepping-stone pictogram.

Run by a developer after changing the look:  .venv/bin/python tools/make_icons.py
Uses the system Chromium (as the browser tests do) to rasterise the SVG.
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
STONE = (ROOT / "static" / "pictograms" / "1FAA8.svg").read_text()
GREEN = "#0b6e4f"


def page_html(size: int, maskable: bool) -> str:
    # A maskable icon keeps its picture inside the centre 80% circle; the plain one may fill more.
    picture = 0.62 if maskable else 0.8
    radius = "0" if maskable else "22%"
    inner = size * picture
    stone = STONE.replace("<svg", f'<svg width="{inner * 0.8}" height="{inner * 0.8}"', 1)
    return f"""<html><body style="margin:0;background:transparent">
<div style="width:{size}px;height:{size}px;background:{GREEN};border-radius:{radius};display:flex;
align-items:center;justify-content:center">
<div style="width:{inner}px;height:{inner}px;background:#fff;border-radius:50%;display:flex;
align-items:center;justify-content:center">{stone}</div></div></body></html>"""


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for size in (192, 512):
            for maskable in (False, True):
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(page_html(size, maskable))
                name = f"icon-{size}{'-maskable' if maskable else ''}.png"
                page.screenshot(path=str(ROOT / "static" / "icons" / name), omit_background=True)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
