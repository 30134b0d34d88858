"""The ``--archive REPO`` option of the commands that read past meetings (list, search, stats, actions, the home
screen): archives read besides the data dir, read-only."""

from __future__ import annotations

from pathlib import Path

import click

from ..paths import archives as resolve_archives


def _typed_before(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> list[Path]:
    """The archives typed with this command, else with the nearest one before it (``pmtui --archive R list``),
    else ``$PMTUI_ARCHIVES``."""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.COMMANDLINE:
        outer = ctx.parent
        while outer is not None:
            if outer.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
                return outer.params[param.name]
            outer = outer.parent
    return resolve_archives(value)


archive_option = click.option(
    "--archive", "archives",
    multiple=True,
    metavar="REPO",
    type=click.Path(path_type=Path),
    callback=_typed_before,
    help="Also read the post-mortems published in this archive (a git working tree; repeatable; default: "
         "$PMTUI_ARCHIVES, ':'-separated). Read-only; the newer copy of a meeting in both wins.",
)
