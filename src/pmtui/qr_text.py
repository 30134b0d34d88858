"""A QR code drawn with text, for a phone to scan off a terminal.

A terminal cell is about twice as tall as it is wide, so each character draws
two modules stacked: ``▀`` (upper dark), ``▄`` (lower dark), ``█`` (both) or a
space (neither). The characters' ink is the dark modules, so the lines must be
shown dark on light (black on white), whatever the terminal's theme; the quiet
zone around the code is drawn as light modules, which scanners need to find it.
"""

from __future__ import annotations

QUIET_ZONE = 2
"""Light modules around the code: the standard asks for 4, phone scanners read 2, and it fits 80x24."""

HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
"""The character for a cell's (upper, lower) modules, True for dark."""


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of ``data``'s QR code, rows top to bottom, True for dark.

    Error level L (the smallest code, a join link of ~50 characters is 29x29; segno raises the level when
    that fits in the same size), never a Micro QR code (few phones read those).
    """
    import segno  # ~0.3 s to import: only when a code is drawn

    return [[bool(module) for module in row] for row in segno.make(data, error="l", micro=False).matrix]


def draw(matrix: list[list[bool]], quiet_zone: int = QUIET_ZONE) -> list[str]:
    """The lines that draw ``matrix`` (square, True for dark) with ``quiet_zone`` light modules around it.

    A code with an odd number of rows (quiet zone included) gets one more light row, the last cell's lower half.
    """
    size = len(matrix) + 2 * quiet_zone
    light = [False] * size
    rows = [light] * quiet_zone
    rows += [[False] * quiet_zone + [bool(module) for module in row] + [False] * quiet_zone for row in matrix]
    rows += [light] * (quiet_zone + size % 2)
    return ["".join(HALF_BLOCKS[upper, lower] for upper, lower in zip(rows[top], rows[top + 1]))
            for top in range(0, len(rows), 2)]

