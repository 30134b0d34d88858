"""The ``pmtui`` command (and ``python -m pmtui``): its modules imported once, outside the collector's sight."""

from __future__ import annotations

from .heap import lasting_imports


def main() -> None:
    """Import the command's modules under :func:`~pmtui.heap.lasting_imports`, then run it."""
    with lasting_imports():
        from .cli import main as command
    command()


if __name__ == "__main__":
    main()
