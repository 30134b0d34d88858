"""The ``pmtui`` command line: the group and the commands it is made of.

Each module of this package holds one group of commands; they are all
registered here, on :func:`main`, which is the ``pmtui`` console script.
Heavy modules (the Textual app, the exporters) are imported inside the
commands that need them, so that ``pmtui list`` starts fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..paths import data_dir as resolve_data_dir
from .common import data_dir_option, run_app, user_errors
from .lint import lint
from .meetings import agendas, demo, export, import_, list_, new, run
from .room import join, serve
from .tracking import actions, related, search, stats


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="pmtui")
@data_dir_option
@click.pass_context
@user_errors
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Run facilitated, blameless post-mortem meetings from the terminal.

    With no command it opens the home screen: create a meeting or resume one.
    """
    if ctx.invoked_subcommand is None:
        from ..tui.app import make_app

        run_app(make_app(resolve_data_dir(data_dir)))


for command in (new, list_, import_, export, agendas, run, demo, lint, join, serve, actions, search, stats, related):
    main.add_command(command)
