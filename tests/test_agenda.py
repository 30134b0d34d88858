"""Loading, validating and finding meeting agendas."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from pmtui.agenda import (
    DEFAULT_AGENDA,
    PHASE_KINDS,
    Agenda,
    AgendaError,
    Phase,
    available_agendas,
    builtin_agenda_dir,
    load_agenda,
    resolve_agenda,
    user_agenda_dir,
)

REPO_AGENDAS = Path(__file__).resolve().parents[1] / "agendas"

GOOD = """\
name = "team-20"
description = "A short one."

[[phases]]
id = "timeline"
title = "Timeline"
minutes = 15
kind = "timeline"
prompts = ["When did it start?"]
guidance = "Facts first."

[[phases]]
id = "actions"
title = "Actions"
minutes = 5
kind = "actions"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def bounds(agenda: Agenda) -> list[tuple[float, float]]:
    out, start = [], 0.0
    for phase in agenda.phases:
        out.append((start, start + phase.minutes))
        start += phase.minutes
    return out


# --- shipped agendas -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "total"), [("standard-90", 90), ("async-review-45", 45), ("near-miss-30", 30)]
)
def test_shipped_agenda_loads_with_its_total(name: str, total: int) -> None:
    agenda = load_agenda(builtin_agenda_dir() / f"{name}.toml")
    assert agenda.name == name
    assert agenda.total_minutes == total
    assert agenda.description
    for phase in agenda.phases:
        assert phase.kind in PHASE_KINDS
        assert 2 <= len(phase.prompts) <= 5
        assert phase.guidance


def test_standard_90_phase_boundaries_and_kinds() -> None:
    agenda = resolve_agenda(None).for_meeting([])
    assert agenda.name == DEFAULT_AGENDA == "standard-90"
    assert bounds(agenda) == [(0, 5), (5, 30), (30, 40), (40, 55), (55, 75), (75, 90)]
    assert [p.kind for p in agenda.phases] == [
        "safety", "timeline", "observations", "five_whys", "actions", "review"
    ]
    assert [p.id for p in agenda.phases] == [
        "safety", "timeline", "observations", "root-cause", "actions", "review"
    ]


def test_near_miss_covers_the_essentials() -> None:
    kinds = {p.kind for p in resolve_agenda("near-miss-30").phases}
    assert {"timeline", "five_whys", "actions", "review"} <= kinds


def test_builtin_dir_falls_back_to_checkout() -> None:
    assert builtin_agenda_dir() == REPO_AGENDAS


def test_shipped_agendas_all_load_without_errors() -> None:
    agendas, errors = available_agendas()
    assert errors == []
    assert {a.name for a in agendas} == {"standard-90", "async-review-45", "near-miss-30"}


# --- the data model --------------------------------------------------------


def test_good_file_loads_into_frozen_dataclasses(tmp_path: Path) -> None:
    path = write(tmp_path / "team.toml", GOOD)
    agenda = load_agenda(path)
    assert agenda.source == path
    assert agenda.phases[0] == Phase(
        id="timeline", title="Timeline", minutes=15.0, kind="timeline",
        prompts=("When did it start?",), guidance="Facts first.",
    )
    assert agenda.phases[1].prompts == () and agenda.phases[1].guidance == ""
    assert isinstance(agenda.phases[0].minutes, float)
    assert agenda.total_minutes == 20
    with pytest.raises(AttributeError):
        agenda.name = "other"  # type: ignore[misc]


def test_index_of() -> None:
    agenda = resolve_agenda("standard-90").for_meeting([])
    assert agenda.index_of("safety") == 0
    assert agenda.index_of("root-cause") == 3
    with pytest.raises(ValueError, match="nope"):
        agenda.index_of("nope")


def test_fractional_minutes_allowed(tmp_path: Path) -> None:
    path = write(tmp_path / "half.toml", GOOD.replace("minutes = 5", "minutes = 2.5"))
    assert load_agenda(path).total_minutes == 17.5


# --- bad files -------------------------------------------------------------


def phase_text(**fields: str) -> str:
    base = {"id": '"rca"', "title": '"Root cause"', "minutes": "10", "kind": '"five_whys"'}
    base.update(fields)
    return "".join(f"{k} = {v}\n" for k, v in base.items() if v is not None)


def bad_agenda(phase: str, head: str = 'name = "x"\ndescription = "d"\n') -> str:
    first = phase_text(id='"intro"', kind='"safety"')
    return f"{head}\n[[phases]]\n{first}\n[[phases]]\n{first.replace('intro', 'timeline')}\n[[phases]]\n{phase}"


BAD_FILES = {
    "not-toml": ("name = \nphases = [", ["not valid TOML", "line 1"]),
    "missing-name": (bad_agenda(phase_text(), head='description = "d"\n'), ["missing 'name'"]),
    "missing-description": (bad_agenda(phase_text(), head='name = "x"\n'), ["missing 'description'"]),
    "missing-field": (bad_agenda(phase_text(title=None)), ["phase 3 ('rca')", "missing 'title'"]),
    "missing-minutes": (bad_agenda(phase_text(minutes=None)), ["phase 3 ('rca')", "missing 'minutes'"]),
    "missing-id": (bad_agenda(phase_text(id=None)), ["phase 3", "missing 'id'"]),
    "unknown-kind": (
        bad_agenda(phase_text(kind='"fishbones"')),
        ["phase 3 ('rca')", "unknown kind 'fishbones'", "use one of " + ", ".join(PHASE_KINDS)],
    ),
    "zero-minutes": (bad_agenda(phase_text(minutes="0")), ["phase 3 ('rca')", "minutes = 0", "above 0"]),
    "negative-minutes": (bad_agenda(phase_text(minutes="-5")), ["phase 3 ('rca')", "minutes = -5", "above 0"]),
    "inf-minutes": (bad_agenda(phase_text(minutes="inf")), ["minutes = inf", "above 0"]),
    "string-minutes": (bad_agenda(phase_text(minutes='"10"')), ["minutes = '10'", "not a number"]),
    "bool-minutes": (bad_agenda(phase_text(minutes="true")), ["minutes = True", "not a number"]),
    "title-not-text": (bad_agenda(phase_text(title="3")), ["title = 3", "not text"]),
    "empty-id": (bad_agenda(phase_text(id='"  "')), ["phase 3", "empty 'id'"]),
    "duplicate-ids": (bad_agenda(phase_text(id='"intro"')), ["phase 3 reuses id 'intro' from phase 1"]),
    "unknown-phase-key": (
        bad_agenda(phase_text() + 'promts = ["a"]\n'),
        ["phase 3 ('rca')", "unknown key 'promts'", "did you mean 'prompts'?"],
    ),
    "unknown-top-key": ('name = "x"\ndescription = "d"\nowner = "me"\n', ["unknown key 'owner'"]),
    "no-phases": ('name = "x"\ndescription = "d"\n', ["has no phases", "[[phases]]"]),
    "empty-phases": ('name = "x"\ndescription = "d"\nphases = []\n', ["has no phases"]),
    "phases-not-list": ('name = "x"\ndescription = "d"\n[phases]\nid = "a"\n', ["list of [[phases]] tables"]),
    "prompts-not-list": (bad_agenda(phase_text(prompts='"ask"')), ["phase 3 ('rca')", "prompts = 'ask'"]),
    "prompts-not-strings": (bad_agenda(phase_text(prompts='["a", 2]')), ["prompts = ['a', 2]", "quoted strings"]),
    "guidance-not-text": (bad_agenda(phase_text(guidance="[1]")), ["guidance = [1]", "not text"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_raises_one_line_error_naming_file_and_problem(tmp_path: Path, case: str) -> None:
    text, expected = BAD_FILES[case]
    path = write(tmp_path / f"{case}.toml", text)
    with pytest.raises(AgendaError) as info:
        load_agenda(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    for part in expected:
        assert part in message
    assert info.value.path == path


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(AgendaError, match="nowhere.toml: file not found") as info:
        load_agenda(path)
    assert "\n" not in str(info.value)


def test_unreadable_path_is_an_agenda_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(AgendaError, match="folder.toml: cannot read file"):
        load_agenda(folder)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(AgendaError, match="latin.toml: is not UTF-8"):
        load_agenda(path)


def test_odd_values_stay_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.toml", bad_agenda(phase_text(kind='"fish\\nbones"')))
    with pytest.raises(AgendaError) as info:
        load_agenda(path)
    assert "\n" not in str(info.value)
    assert "'fish\\nbones'" in str(info.value)


# --- user agendas ----------------------------------------------------------


def test_user_dir_follows_env(user_folders) -> None:
    assert user_agenda_dir() == user_folders.config / "agendas"


def test_user_dir_default_is_platform_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PMTUI_CONFIG_DIR")
    assert user_agenda_dir() == platformdirs.user_config_path("pmtui") / "agendas"


def test_user_agenda_is_added(user_folders) -> None:
    write(user_folders.config / "agendas" / "team.toml", GOOD)
    agendas, errors = available_agendas()
    assert errors == []
    assert [a.name for a in agendas][-1] == "team-20"
    assert resolve_agenda("team-20").source == user_folders.config / "agendas" / "team.toml"


def test_user_agenda_overrides_shipped_one_by_name(user_folders) -> None:
    write(user_folders.config / "agendas" / "mine.toml", GOOD.replace('"team-20"', '"standard-90"'))
    agendas, _ = available_agendas()
    assert [a.name for a in agendas].count("standard-90") == 1
    assert len(agendas) == 3
    assert resolve_agenda(None).total_minutes == 20
    assert resolve_agenda(None).source == user_folders.config / "agendas" / "mine.toml"


def test_bad_user_files_are_reported_not_raised(user_folders) -> None:
    write(user_folders.config / "agendas" / "broken.toml", "name = ")
    write(user_folders.config / "agendas" / "notes.txt", "ignored")
    agendas, errors = available_agendas()
    assert len(agendas) == 3
    assert len(errors) == 1
    assert "broken.toml" in str(errors[0]) and "not valid TOML" in str(errors[0])


# --- resolving -------------------------------------------------------------


def test_resolve_by_name() -> None:
    assert resolve_agenda("async-review-45").total_minutes == 45


def test_resolve_by_path(tmp_path: Path) -> None:
    path = write(tmp_path / "anything.toml", GOOD)
    assert resolve_agenda(str(path)).name == "team-20"


def test_resolve_missing_toml_path_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(AgendaError, match="file not found"):
        resolve_agenda(str(tmp_path / "gone.toml"))


def test_resolve_unknown_name_lists_candidates(user_folders) -> None:
    write(user_folders.config / "agendas" / "team.toml", GOOD)
    with pytest.raises(AgendaError) as info:
        resolve_agenda("standard-60")
    message = str(info.value)
    assert "unknown agenda 'standard-60'" in message
    assert "async-review-45, near-miss-30, standard-90, team-20" in message
    assert "\n" not in message


def test_resolve_name_of_broken_user_file_gives_its_error(user_folders) -> None:
    write(user_folders.config / "agendas" / "team-20.toml", GOOD.replace("minutes = 5", "minutes = 0"))
    with pytest.raises(AgendaError, match="team-20.toml: phase 2 \\('actions'\\) has minutes = 0"):
        resolve_agenda("team-20")


def test_optional_follow_up_phase_is_left_out_unless_a_meeting_includes_it() -> None:
    agenda = resolve_agenda("standard-90")
    assert [p.id for p in agenda.phases if p.optional] == ["follow-ups"]
    assert agenda.total_minutes == 90 and agenda.optional_minutes == 5
    included = agenda.for_meeting(["follow-ups"])
    assert [p.kind for p in included.phases][:2] == ["safety", "follow_ups"]
    assert "follow-ups" not in [p.id for p in agenda.for_meeting([]).phases]


def test_optional_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text('name = "x"\ndescription = "d"\n[[phases]]\nid = "a"\ntitle = "A"\nminutes = 5\n'
                    'kind = "notes"\noptional = "yes"\n')
    with pytest.raises(AgendaError, match="optional"):
        load_agenda(path)
