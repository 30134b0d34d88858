"""``pmtui lint``: the blameless-language checker over meetings and Markdown or text files, and an archive's CI check
(``--archive``: every published post-mortem against the archive's ``.pmtui-archive.toml``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..analysis.blameless import LexiconError, load_lexicon
from ..analysis.findings import Finding
from ..archive.checks import ArchiveFinding, check_archive
from ..archive.config import ArchiveConfigError, load_archive_config
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
@click.argument("targets", nargs=-1, metavar="[MEETING|FILE|FOLDER]...")
@click.option("--archive", type=click.Path(path_type=Path), metavar="REPO",
              help="Check every post-mortem published in the archive REPO against its .pmtui-archive.toml instead "
                   "(the check of the archive's CI).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of findings instead of lines.")
@data_dir_option
def lint(targets: tuple[str, ...], archive: Path | None, as_json: bool, data_dir: Path | None) -> None:
    """Find blame and hindsight phrasing in meetings or in Markdown/text files.

    For an ended or published meeting, also each required document section still empty.

    A FOLDER means every .md and .txt file in it. Lines read
    'file:line:col: rule: message' ('meeting-id[where]:line:col: ...' for a
    meeting); dismissed findings of a meeting are not reported. Exits 1 when
    there are findings, 0 when there are none and 2 on bad input. Add your own
    words in $PMTUI_CONFIG_DIR/blameless.toml (default: your user config dir);
    the comments of the shipped pmtui/data/blameless.toml describe the format.

    --archive REPO is the check of an archive's CI: every meeting.json in
    REPO's working tree must have a severity the archive uses, meet its
    severity policy, have its required sections written and no blame findings
    (REPO/.pmtui-archive.toml sets the rules); lines read
    'folder/meeting.json: rule: what, and the fix'.
    """
    if archive is not None:
        if targets:
            fail("give MEETING|FILE|FOLDER or --archive REPO, not both")
        _lint_archive(archive, as_json)
    if not targets:
        fail("nothing to lint: give a meeting, a Markdown/text file or folder, or --archive REPO")
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


def _lint_archive(root: Path, as_json: bool) -> None:
    """Every post-mortem of the archive at ``root``: findings on stdout, a count on stderr; exits 1 on findings."""
    if not root.is_dir():
        fail(f"{root} is not a folder; give the archive's git working tree, e.g. pmtui lint --archive .")
    try:
        config = load_archive_config(root)
        lexicon = load_lexicon()
    except (ArchiveConfigError, LexiconError) as exc:
        fail(str(exc))
    result = check_archive(root, config, lexicon)
    if as_json:
        echo(json.dumps([_archive_json(f) for f in result.findings], indent=2, ensure_ascii=False))
    else:
        for finding in result.findings:
            echo(finding.text())
    files = len({f.file for f in result.findings})
    echo(f"Checked {result.checked} post-mortem{'' if result.checked == 1 else 's'} in {root}: "
         + (f"{len(result.findings)} finding{'' if len(result.findings) == 1 else 's'} in {files}."
            if result.findings else "no findings."), err=True)
    sys.exit(1 if result.findings else 0)


def _archive_json(finding: ArchiveFinding) -> dict:
    return {"file": finding.file, "rule": finding.rule, "message": finding.message, "meeting": finding.meeting,
            "where": finding.where, "line": finding.line, "excerpt": finding.excerpt}
