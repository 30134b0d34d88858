"""``.pmtui-archive.toml``: an archive's own rules, read from the root of its git working tree.

Optional; without it an archive uses the defaults below. An example::

    layout = "postmortems/{year}/{date}-{slug}"   # where each post-mortem's folder goes

    [sections]
    required = ["summary", "narrative", "response", "lessons"]   # narrative sections a published one fills

    [checks]                      # what `pmtui lint --archive` (the archive's CI) holds a pull request to
    sections = true               # the required sections are written
    blame = true                  # no blameful-language findings
    severities = ["SEV1", "SEV2", "SEV3", "SEV4"]   # the severities the organisation uses

    [checks.severity.SEV1]        # the severity policy: more for worse incidents
    action_items = 1              # at least this many action items
    owner = true                  # a document owner is named
    follow_up = true              # a follow-up review date is set

    [issues]
    labels = ["post-mortem"]      # labels of follow-up issues (the severity is added as one too)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

from ..model import SEVERITIES

CONFIG_FILE = ".pmtui-archive.toml"
DEFAULT_LAYOUT = "postmortems/{year}/{date}-{slug}"
LAYOUT_FIELDS = frozenset({"year", "month", "date", "slug", "severity", "id"})
DEFAULT_LABELS = ("post-mortem",)


class ArchiveConfigError(Exception):
    """``.pmtui-archive.toml`` cannot be used; ``str()`` is one line naming the file, the key and the fix."""


@dataclass(frozen=True)
class SeverityPolicy:
    """What a post-mortem of one severity must have besides the rest."""

    action_items: int = 0
    owner: bool = False
    follow_up: bool = False


@dataclass(frozen=True)
class ArchiveConfig:
    """An archive's rules; the defaults are those of an archive without ``.pmtui-archive.toml``."""

    layout: str = DEFAULT_LAYOUT
    required_sections: tuple[str, ...] | None = None
    """Narrative sections every post-mortem fills; None: those its own agenda marks required."""
    check_sections: bool = True
    check_blame: bool = True
    severities: tuple[str, ...] = SEVERITIES
    severity_policy: dict[str, SeverityPolicy] = field(default_factory=dict)
    labels: tuple[str, ...] = DEFAULT_LABELS


def load_archive_config(root: Path) -> ArchiveConfig:
    """The rules of the archive whose working tree is ``root`` (defaults when it has no config file).

    The file is read without following a symbolic link (an archive is shared: its config must be its own).
    """
    path = Path(root) / CONFIG_FILE
    if path.is_symlink():
        raise ArchiveConfigError(f"{path} is a symbolic link; replace it with the file itself")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ArchiveConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise ArchiveConfigError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ArchiveConfigError(f"{path} is not valid TOML ({exc}); fix it or remove it") from None
    return _config(data, path)


def _config(data: dict, path: Path) -> ArchiveConfig:
    def fail(key: str, want: str) -> ArchiveConfigError:
        return ArchiveConfigError(f"{path}: {key} must be {want}")

    def strings(value: object, key: str) -> tuple[str, ...]:
        if not (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)):
            raise fail(key, "a list of names, e.g. [\"summary\", \"lessons\"]")
        return tuple(v.strip() for v in value)

    def flag(table: dict, key: str, default: bool, where: str) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise fail(f"{where}{key}", "true or false")
        return value

    def table(value: object, key: str) -> dict:
        if not isinstance(value, dict):
            raise fail(key, "a table")
        return value

    unknown = set(data) - {"layout", "sections", "checks", "issues"}
    if unknown:
        raise ArchiveConfigError(f"{path}: unknown key {sorted(unknown)[0]!r}; "
                                 "use layout, [sections], [checks] or [issues]")
    layout = data.get("layout", DEFAULT_LAYOUT)
    if not isinstance(layout, str):
        raise fail("layout", "a text such as \"postmortems/{year}/{date}-{slug}\"")
    _check_layout(layout, path)
    sections = table(data.get("sections", {}), "[sections]")
    required = strings(sections["required"], "sections.required") if "required" in sections else None
    checks = table(data.get("checks", {}), "[checks]")
    severities = strings(checks.get("severities", list(SEVERITIES)), "checks.severities")
    policies = {}
    for name, rules in table(checks.get("severity", {}), "[checks.severity]").items():
        if name not in SEVERITIES:
            raise ArchiveConfigError(f"{path}: [checks.severity.{name}] names no severity; use one of "
                                     f"{', '.join(SEVERITIES)}")
        rules = table(rules, f"[checks.severity.{name}]")
        count = rules.get("action_items", 0)
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise fail(f"checks.severity.{name}.action_items", "a whole number, 0 or more")
        where = f"checks.severity.{name}."
        policies[name] = SeverityPolicy(count, flag(rules, "owner", False, where), flag(rules, "follow_up", False,
                                                                                           where))
    issues = table(data.get("issues", {}), "[issues]")
    labels = strings(issues.get("labels", list(DEFAULT_LABELS)), "issues.labels")
    return ArchiveConfig(layout=layout, required_sections=required,
                         check_sections=flag(checks, "sections", True, "checks."),
                         check_blame=flag(checks, "blame", True, "checks."),
                         severities=severities, severity_policy=policies, labels=labels)


def _check_layout(layout: str, path: Path) -> None:
    """A layout is a relative path of plain names and ``{year}``-style fields; it can never leave the archive."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(layout) if name is not None}
    except ValueError as exc:
        raise ArchiveConfigError(f"{path}: layout {layout!r} is not a valid template ({exc})") from None
    bad = names - LAYOUT_FIELDS
    if bad:
        raise ArchiveConfigError(f"{path}: layout uses {{{sorted(bad)[0]}}}; the fields are "
                                 f"{', '.join('{' + n + '}' for n in sorted(LAYOUT_FIELDS))}")
    parts = layout.replace("\\", "/").split("/")
    if layout.startswith(("/", "\\")) or any(part in ("", ".", "..") for part in parts) or ":" in layout:
        raise ArchiveConfigError(f"{path}: layout {layout!r} must be a relative path inside the archive "
                                 "without '..', e.g. \"postmortems/{year}/{date}-{slug}\"")
    if "{slug}" not in parts[-1] and "{id}" not in parts[-1]:
        raise ArchiveConfigError(f"{path}: layout's last folder must hold {{slug}} or {{id}}, so two incidents "
                                 "of one day get two folders")
