"""``python -m pmtui.cli``: the ``pmtui`` command where only the interpreter is known (``pmtui serve``'s browsers)."""

from . import main

main(prog_name="pmtui")
