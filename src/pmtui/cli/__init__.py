"""The ``pmtui`` command line: the group and the commands it is made of.

Each module of this package holds one group of commands. The group knows
them by name and imports a command's module only when that command runs
(or ``--help`` lists them): importing every module up front cost ~250 ms
of ``pmtui run``'s start-up, for the analysis, search and room code it
never uses. Heavy modules (the Textual app, the exporters) are imported
inside the commands that need them, so that ``pmtui list`` starts fast.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from .. import __version__
from ..paths import data_dir as resolve_data_dir
from .common import archive_option, data_dir_option, run_app, user_errors

COMMANDS = {
    "new": "meetings:new",
    "list": "meetings:list_",
    "import": "importing:import_",
    "export": "meetings:export",
    "agendas": "meetings:agendas",
    "run": "meetings:run",
    "demo": "meetings:demo",
    "end": "lifecycle:end",
    "reopen": "lifecycle:reopen",
    "edit": "document:edit",
    "lint": "lint:lint",
    "join": "room:join",
    "serve": "room:serve",
    "actions": "tracking:actions",
    "search": "tracking:search",
    "stats": "tracking:stats",
    "related": "tracking:related",
    "publish": "publish:publish",
}
"""Each command's name and where it is defined (``module:attribute`` in this package)."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's "lazily loading subcommands" recipe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name].split(":")
        return getattr(importlib.import_module(f".{module}", __name__), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="pmtui")
@data_dir_option
@archive_option
@click.pass_context
@user_errors
def main(ctx: click.Context, data_dir: Path | None, archives: list[Path]) -> None:
    """Run facilitated, blameless post-mortem meetings from the terminal.

    With no command it opens the home screen: create a meeting or resume one (archived ones open read-only).
    """
    if ctx.invoked_subcommand is None:
        from ..tui.app import make_app

        run_app(make_app(resolve_data_dir(data_dir), archives=archives))
