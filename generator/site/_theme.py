"""The site's look: colours derived from the brand colour, the stylesheet and script of the engine.

Links take the brand colour, moved towards black on the light scheme and towards white on the dark
one until they meet WCAG AA contrast (4.5:1) against each scheme's page background, so any brand
colour a company picks stays readable with Material's light/dark toggle. The header text is white
or black, whichever reads better on the brand colour.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SITE_CSS = ASSETS / "site.css"
SITE_JS = ASSETS / "site.js"
AA_CONTRAST = 4.5  # WCAG 2.1 AA, normal text (success criterion 1.4.3)
# Material's page backgrounds: white, and "slate" hsl(--md-hue 225, 15%, 14%).
LIGHT_BACKGROUND = "#ffffff"
SLATE_HUE, SLATE_SATURATION, SLATE_LIGHTNESS = 225, 0.15, 0.14


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def slate_background() -> str:
    """Return Material's dark ("slate") page background as #rrggbb."""
    return _hex(colorsys.hls_to_rgb(SLATE_HUE / 360, SLATE_LIGHTNESS, SLATE_SATURATION))


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #rrggbb colour."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(brand: str, background: str, target: float = AA_CONTRAST) -> str:
    """Return ``brand`` mixed towards black or white, as little as needed to reach ``target`` on ``background``."""
    towards = (0.0, 0.0, 0.0) if luminance(background) > 0.18 else (1.0, 1.0, 1.0)
    start = _rgb(brand)
    for step in range(101):
        share = step / 100
        candidate = _hex(tuple(c + (t - c) * share for c, t in zip(start, towards, strict=True)))  # type: ignore[arg-type]
        if contrast(candidate, background) >= target:
            return candidate
    return _hex(towards)


def header_text(brand: str) -> str:
    """Return white or black: whichever is the more readable on the brand-coloured header."""
    return "#ffffff" if contrast("#ffffff", brand) >= contrast("#000000", brand) else "#000000"


def brand_css(brand: str) -> str:
    """Return the CSS custom properties that colour the site from the brand colour, in both schemes."""
    light = readable_on(brand, LIGHT_BACKGROUND)
    dark = readable_on(brand, slate_background())
    return f""":root > * {{
  --md-primary-fg-color: {brand};
  --md-primary-fg-color--light: {brand};
  --md-primary-fg-color--dark: {brand};
  --md-primary-bg-color: {header_text(brand)};
}}
:root > [data-md-color-scheme="default"] {{
  --md-typeset-a-color: {light};
  --md-accent-fg-color: {light};
}}
:root > [data-md-color-scheme="slate"] {{
  --md-typeset-a-color: {dark};
  --md-accent-fg-color: {dark};
}}
"""


def site_stylesheet(brand: str | None) -> str:
    """Return the engine's stylesheet: brand colours (unless the company chose a palette) and layout rules."""
    return ("" if brand is None else brand_css(brand)) + SITE_CSS.read_text(encoding="utf-8")


def site_script() -> str:
    """Return the engine's script: scrollable tables reachable by keyboard, the matrix filter, version names."""
    return SITE_JS.read_text(encoding="utf-8")
