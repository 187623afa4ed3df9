"""How far apart two colours look, for people with normal colour vision and with red–green deficiency.

Owns the colour science behind the map palettes (pure Python, no dependency): sRGB to CIELAB
(D65), the colour difference CIEDE2000, and the simulation of protanopia, deuteranopia and
tritanopia after Machado, Oliveira & Fernandes (2009), severity 1.0. :func:`min_difference` is
what the palette tests assert on: every pair of categories a reader must tell apart stays at
least a given ΔE00 apart under every simulated vision.

References
----------
G. Sharma, W. Wu, E. N. Dalal: The CIEDE2000 color-difference formula: implementation notes,
supplementary test data, and mathematical observations. Color Research & Application 30(1), 2005.

G. M. Machado, M. M. Oliveira, L. A. F. Fernandes: A physiologically-based model for simulation
of color vision deficiency. IEEE TVCG 15(6), 2009.
"""

from __future__ import annotations

import math
from itertools import combinations

__all__ = ["VISIONS", "ciede2000", "hex_to_lab", "min_difference", "simulate"]

Lab = tuple[float, float, float]

#: Machado et al. (2009), severity 1.0, applied to linear RGB.
_CVD = {
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritan": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
#: The visions a palette is checked under: normal and the three dichromacies.
VISIONS = ("normal", "protan", "deutan", "tritan")
_WHITE = (0.95047, 1.0, 1.08883)  # D65


def _linear(hex_colour: str) -> tuple[float, float, float]:
    text = hex_colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected a colour like '#0072B2', not {hex_colour!r}")
    r, g, b = (int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return _decode(r), _decode(g), _decode(b)


def _decode(c: float) -> float:
    """sRGB transfer function, inverted: a channel's linear light."""
    return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)


def simulate(hex_colour: str, vision: str) -> tuple[float, float, float]:
    """The linear RGB a reader with this vision (one of :data:`VISIONS`) perceives."""
    rgb = _linear(hex_colour)
    if vision == "normal":
        return rgb
    r, g, b = (min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in _CVD[vision])
    return r, g, b


def _lab_of_linear(rgb: tuple[float, float, float]) -> Lab:
    r, g, b = rgb
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
           0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = (f(v / w) for v, w in zip(xyz, _WHITE))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def hex_to_lab(hex_colour: str, vision: str = "normal") -> Lab:
    """CIELAB (D65) of an sRGB colour as seen with the given vision.

    >>> [abs(round(v, 1)) for v in hex_to_lab("#FFFFFF")]
    [100.0, 0.0, 0.0]
    """
    return _lab_of_linear(simulate(hex_colour, vision))


def ciede2000(lab1: Lab, lab2: Lab) -> float:
    """The CIEDE2000 colour difference ΔE00 (kL = kC = kH = 1), as in Sharma et al. (2005).

    >>> round(ciede2000((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485)), 4)
    2.0425
    """
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    d_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (d_hp / s_h) ** 2
                     + r_t * (dcp / s_c) * (d_hp / s_h))


def min_difference(colours: dict[str, str], visions: tuple[str, ...] = VISIONS) -> tuple[float, str, str, str]:
    """The closest pair of named colours: (ΔE00, name, name, vision) over all pairs and visions.

    >>> d, a, b, vision = min_difference({"blau": "#0072B2", "orange": "#E69F00"})
    >>> d > 30
    True
    """
    best = (math.inf, "", "", "")
    labs = {v: {name: hex_to_lab(c, v) for name, c in colours.items()} for v in visions}
    for vision in visions:
        for a, b in combinations(sorted(colours), 2):
            d = ciede2000(labs[vision][a], labs[vision][b])
            if d < best[0]:
                best = (d, a, b, vision)
    return best
