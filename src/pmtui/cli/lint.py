"""``pmtui lint``: the blameless-language checker over meetings and Markdown or text files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..analysis.blameless import LexiconError, load_lexicon
from ..analysis.findings import Finding
from ..lint import LintInputError, Source, sources
from ..store import StoreError
from .common import data_dir_option, echo, fail


def _as_json(source: Source, finding: Finding) -> dict:
    return {
        "file": source.name,
        "line": finding.line,
        "column": finding.column,
        "rule": finding.rule,
        "message": finding.message,
        "suggestion": finding.suggestion,
        "excerpt": finding.excerpt,
        "where": finding.where,
        "key": finding.key,
    }


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="MEETING|FILE|FOLDER...")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of findings instead of lines.")
@data_dir_option
def lint(targets: tuple[str, ...], as_json: bool, data_dir: Path | None) -> None:
    """Find blame and hindsight phrasing in meetings or in Markdown/text files.

    For an ended or published meeting, also each required document section still empty.

    A FOLDER means every .md and .txt file in it. Lines read
    'file:line:col: rule: message' ('meeting-id[where]:line:col: ...' for a
    meeting); dismissed findings of a meeting are not reported. Exits 1 when
    there are findings, 0 when there are none and 2 on bad input. Add your own
    words in $PMTUI_CONFIG_DIR/blameless.toml (default: your user config dir);
    the comments of the shipped pmtui/data/blameless.toml describe the format.
    """
    try:
        lexicon = load_lexicon()
        found = [(s, f) for target in targets for s in sources(target, data_dir) for f in s.findings(lexicon)]
    except (LexiconError, LintInputError, StoreError) as exc:
        fail(str(exc))
    if as_json:
        echo(json.dumps([_as_json(s, f) for s, f in found], indent=2, ensure_ascii=False))
    else:
        for source, finding in found:
            excerpt = f' ("{finding.excerpt}")' if finding.excerpt else ""
            echo(f"{source.location(finding)}: {finding.rule}: {finding.message}{excerpt}")
    sys.exit(1 if found else 0)
