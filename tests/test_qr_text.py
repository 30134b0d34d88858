"""The join link's QR code drawn in half blocks: it reads back to segno's matrix, and a scanner decodes it."""

from __future__ import annotations

import segno
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.qr_text import HALF_BLOCKS, QUIET_ZONE, draw, qr_matrix

LINK = "http://192.168.100.100:8765/#t=Qm9yZWFsLWJvd2wtOTQxMi"
"""A LAN address and a token as long as ``new_token``'s (22 characters): 53 bytes, the most version 3 holds."""
MODULES = {char: pair for pair, char in HALF_BLOCKS.items()}


def read_back(lines: list[str], quiet_zone: int = QUIET_ZONE) -> list[list[bool]]:
    """The modules a drawing shows, quiet zone checked light and taken off."""
    rows = []
    for line in lines:
        pairs = [MODULES[char] for char in line]
        rows += [[upper for upper, _ in pairs], [lower for _, lower in pairs]]
    size = len(lines[0]) - 2 * quiet_zone
    assert all(len(row) == len(rows[0]) for row in rows)
    outside = rows[:quiet_zone] + rows[quiet_zone + size:]
    assert not any(any(row) for row in outside), "the quiet zone is light above and below"
    assert not any(any(row[:quiet_zone] + row[quiet_zone + size:]) for row in rows), "and left and right"
    return [row[quiet_zone:quiet_zone + size] for row in rows[quiet_zone:quiet_zone + size]]


def scan(lines: list[str], cell: tuple[int, int] = (4, 8)) -> list[str]:
    """What a scanner reads off the drawing as a terminal shows it: ink black on white, cells twice as tall as wide."""
    width, height = cell
    pixels = bytearray()
    for line in lines:
        for half in (0, 1):
            row = bytearray()
            for char in line:
                dark = MODULES[char][half]
                row += bytes([0 if dark else 255]) * width
            pixels += bytes(row) * (height // 2)
    image = memoryview(bytes(pixels)).cast("B", (len(lines) * height, len(lines[0]) * width))
    return [code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_a_join_link_is_drawn_in_33_columns_and_17_lines_and_reads_back_to_segnos_matrix():
    reference = segno.make(LINK, error="l", micro=False)
    assert reference.version == 3  # 29 x 29
    lines = draw(qr_matrix(LINK))
    assert (len(lines[0]), len(lines)) == (33, 17)
    assert set("".join(lines)) <= set(HALF_BLOCKS.values())
    assert read_back(lines) == [[bool(module) for module in row] for row in reference.matrix]


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=120), st.integers(min_value=0, max_value=4))
def test_any_text_and_quiet_zone_read_back_to_the_matrix(text, quiet_zone):
    matrix = qr_matrix(text)
    assert read_back(draw(matrix, quiet_zone), quiet_zone) == matrix


def test_odd_and_even_sizes_keep_every_module_and_a_light_last_half_row():
    matrix = [[True, False, True], [False, True, False], [True, True, True]]
    assert draw(matrix, 0) == ["▀▄▀", "▀▀▀"]
    assert draw(matrix, 1) == [" ▄ ▄ ", " ▄█▄ ", "     "]
    assert read_back(draw(matrix, 1), 1) == matrix


def test_a_scanner_reads_the_drawn_link():
    assert scan(draw(qr_matrix(LINK))) == [LINK]
    assert scan(draw(qr_matrix(LINK)), cell=(3, 6)) == [LINK]


def test_a_drawing_with_one_module_wrong_is_not_the_matrix():
    matrix = qr_matrix(LINK)
    lines = draw(matrix)
    broken = lines[:]
    row = broken[5]
    broken[5] = row[:10] + ("█" if row[10] != "█" else " ") + row[11:]
    assert read_back(broken) != matrix
