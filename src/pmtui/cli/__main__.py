"""``python -m pmtui.cli``: the ``pmtui`` command where only the interpreter is known (no console script)."""

from . import main

main(prog_name="pmtui")
