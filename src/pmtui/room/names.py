"""When two note-takers' display names are the same name: the comparison the room's name rule uses.

Two names are the same when they read the same to a person: after NFKC (full-width
and compatibility forms become their plain letters), without the default-ignorable
code points (zero-width spaces and joiners, word joiners, variation selectors, soft
hyphens, Hangul fillers, tags: characters a screen does not show), case-folded and
with runs of spaces as one. So "Le\\u200be", "LEE", "Ｌｅｅ" and "Lee" are one name.
Look-alikes from other scripts (a Cyrillic "е") are not folded: that needs a
confusables table, and a reader can still tell them apart in the exported text.
"""

from __future__ import annotations

import unicodedata

RESERVED = ("facilitator",)
"""Names no note-taker may take: in the export they would read as the meeting's own voice."""

_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
    (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)
"""Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt)."""


def is_ignorable(ch: str) -> bool:
    """Whether ``ch`` is a default-ignorable code point (drawn as nothing)."""
    code = ord(ch)
    return any(low <= code <= high for low, high in _IGNORABLE)


def name_key(name: str) -> str:
    """The form two display names are compared in: equal keys are the same name."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if not is_ignorable(ch))
    text = unicodedata.normalize("NFKC", text.casefold())  # case folding can undo the normal form ("ǰ")
    return " ".join(text.split())


def reserved_refusal(name: str, facilitator: str) -> str | None:
    """Why ``name`` is not for a note-taker (it is "facilitator" or the facilitator's name), or None."""
    key = name_key(name)
    if not key:
        return "the name has no visible characters; type the name people know you by"
    if key in RESERVED:
        return f"{name!r} is kept for the facilitator's own entries; join with your own name"
    if facilitator and key == name_key(facilitator):
        return f"{name!r} is the facilitator's name; join with your own name"
    return None
