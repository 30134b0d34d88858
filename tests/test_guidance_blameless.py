"""Tests for the blameless-language checker: rules, tricky negatives, word lists, meeting findings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.analysis.blameless import (
    RULES,
    LexiconError,
    default_lexicon,
    load_lexicon,
    scan,
    shipped_lexicon,
    user_lexicon_path,
)
from pmtui.analysis.depth import names_person
from pmtui.analysis.findings import finding_key, meeting_findings, meeting_texts, text_findings
from pmtui.model import (
    ActionItem,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
)
from systemic_answers import SYSTEMIC_ANSWERS

SENTENCES = Path(__file__).parent / "data" / "blame_sentences.tsv"
THRESHOLD = 0.85
HELD_OUT_THRESHOLD = 0.90


def rules(text: str) -> list[str]:
    return [h.rule for h in scan(text, shipped_lexicon())]


def excerpts(text: str) -> list[tuple[str, str]]:
    return [(h.rule, text[h.start : h.end]) for h in scan(text, shipped_lexicon())]


# --- rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Dave forgot to renew the certificate.", "blame-person"),
        ("Jin failed to follow the runbook.", "blame-person"),
        ("The on-call engineer failed to escalate.", "blame-person"),
        ("@kwame ignored the warning.", "blame-person"),
        ("She didn't check the dashboard.", "blame-person"),
        ("Ravi never updated the runbook.", "blame-person"),
        ("This was Maria's mistake.", "blame-person"),
        ("It was a mistake by the developer.", "blame-person"),
        ("Lucy dropped the wrong table.", "blame-person"),
        ("The intern accidentally truncated the table.", "blame-person"),
        ("Steve pushed the hotfix without running the tests.", "blame-person"),
        ("Priya pushed a bad config.", "blame-person"),
        ("We never tested the regex for CPU use.", "blame-person"),
        ("We failed to notice the leak because we were busy.", "blame-person"),
        ("The wrong config was deployed by Dave.", "blame-person"),
        ("The on-call should have paged the commander.", "hindsight"),
        ("We should've rolled back sooner.", "hindsight"),
        ("The team should have known the cache would be cold.", "hindsight"),
        ("If Priya had read the alert, we would have caught it.", "hindsight"),
        ("Had Ivan checked the logs, the outage would have been avoided.", "hindsight"),
        ("It should have been obvious.", "hindsight"),
        ("The wrong configuration was deployed to production.", "passive-actor"),
        ("The credentials were accidentally committed.", "passive-actor"),
        ("The change was pushed without approval.", "passive-actor"),
        ("Root cause: human error.", "human-error"),
        ("It was caused by operator error.", "human-error"),
        ("A careless edit took down the region.", "judgement-word"),
        ("Obviously the rollback was late.", "judgement-word"),
        ("The SRE clearly chose the slow path.", "judgement-word"),
    ],
)
def test_rule_finds_blame(text, rule):
    assert rule in rules(text)


@pytest.mark.parametrize(
    "text",
    [
        "The script failed to start after the upgrade.",
        "The health check failed to detect the outage.",
        "Kafka failed to rebalance after the restart.",
        "Replication failed to catch up.",
        "The alert should have fired at 14:40.",
        "The circuit breaker should have opened after five failures.",
        "The on-call should have access to the status page.",
        "If the alert had fired earlier, we would have caught it.",
        "Our checklist tracks a human error budget.",
        "The user error rate doubled after the release.",
        "The pg_dump backups had failed for weeks and their error emails were never delivered.",  # GitLab, 2017
        "Their failure alerts went to an unread channel.",
        "The error budget was exhausted.",
        "A configuration change was deployed at 14:37.",
        "The bad config was rolled back at 14:52.",
        "Priya reverted the faulty commit.",
        "502 Bad Gateway responses were returned to users.",
        "Bob failed over the database without losing data.",
        "The pipeline promoted the build without waiting for the canary.",
        "What made the wrong target look like the right one?",
        "The mistake was easy to make because the buttons sit side by side.",
        "The logs clearly show the retry storm.",
        "The operator's console shows both clusters in the same colour.",
        "The team did not have a way to test failover.",
        "Nobody was paged because the alert routed to an old channel.",
        "The engineer pushed the bad rule to every server at once.",
        "The release captain shipped the faulty build through the normal pipeline.",
        "We had no canary stage, so we never tested the rule on live traffic.",
        "There was no owner for restore drills, so we missed the broken backups.",
        *SYSTEMIC_ANSWERS,
        "",
    ],
)
def test_tricky_negatives_are_not_findings(text):
    assert rules(text) == []


def test_should_have_about_a_system_is_not_hindsight_but_about_a_person_is():
    assert rules("The rate limiter should have rejected the burst.") == []
    assert rules("The engineer should have rejected the burst.") == ["hindsight"]


def test_excerpt_covers_the_person_and_the_phrase():
    assert excerpts("In the end Dave forgot it.") == [("blame-person", "forgot")]
    assert excerpts("The on-call person forgot it.") == [("blame-person", "on-call person forgot")]
    assert excerpts("Then Jin failed to follow the runbook.") == [("blame-person", "Jin failed to")]


def test_overlapping_hits_keep_the_first_rule():
    assert rules("The DBA's carelessness broke replication.") == ["blame-person"]


def test_code_spans_fenced_blocks_and_links_are_skipped():
    text = "Run `human error` here.\n\n```\nDave forgot\n```\n\nSee https://x.example/human-error/dave-forgot\n"
    assert rules(text) == []


def test_list_items_are_separate_sentences():
    assert rules("- The pipeline\n- Dave forgot the cert") == ["blame-person"]
    assert rules("- Checkout\n- failed to start") == []


# --- findings in a text ---------------------------------------------------------------


def test_text_findings_have_line_column_message_and_suggestion():
    text = "All fine here.\nThen the operator\nfailed to follow the runbook."
    [finding] = text_findings(text, where="pm.md", lexicon=shipped_lexicon())
    assert (finding.rule, finding.line, finding.column) == ("blame-person", 2, 10)
    assert finding.excerpt == "operator failed to"
    assert (finding.message, finding.suggestion) == RULES["blame-person"]
    assert finding.where == "pm.md"
    assert finding.key == ""


def test_every_rule_has_a_message_and_a_suggestion():
    for message, suggestion in RULES.values():
        assert message and suggestion and "\n" not in message + suggestion


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc DaveFrgot'’@-.,;\n`|#*_should have failed to")), max_size=120))
def test_scan_never_fails_and_hits_do_not_overlap(text):
    hits = scan(text, shipped_lexicon())
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
    for a, b in zip(hits, hits[1:]):
        assert a.end <= b.start


# --- the labelled set --------------------------------------------------------------------


def _labelled() -> dict[str, list[tuple[bool, str]]]:
    """The labelled sentences by part: the first part tunes the checker, the part after "# held-out" tests it."""
    parts: dict[str, list[tuple[bool, str]]] = {"tuning": [], "held-out": []}
    part = "tuning"
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if line.startswith("# held-out"):
            part = "held-out"
        if not line.strip() or line.startswith("#"):
            continue
        label, sentence = line.split("\t")
        assert label in ("blameful", "blameless"), line
        parts[part].append((label == "blameful", sentence))
    return parts


def _precision_recall(rows: list[tuple[bool, str]], blames) -> tuple[float, float, list[str]]:
    """Precision and recall of ``blames(sentence)`` with blame as the positive class, and the sentences it got wrong."""
    tp = fp = fn = 0
    wrong = []
    for blameful, sentence in rows:
        found = bool(blames(sentence))
        tp += blameful and found
        fp += found and not blameful
        fn += blameful and not found
        if found != blameful:
            wrong.append(f"{'missed' if blameful else 'false alarm'}: {sentence}")
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1), wrong


CHECKERS = {
    "blameless checker": lambda sentence: scan(sentence, shipped_lexicon()),
    "depth check": lambda sentence: names_person(sentence, [], shipped_lexicon()),
}


@pytest.mark.parametrize("checker", CHECKERS)
def test_labelled_sentences_precision_and_recall(checker):
    parts = _labelled()
    everything = parts["tuning"] + parts["held-out"]
    assert len(everything) >= 300 and len(parts["held-out"]) >= 100
    blameful = sum(b for b, _ in everything)
    assert 0.4 <= blameful / len(everything) <= 0.6
    for name, rows in [*parts.items(), ("all", everything)]:
        precision, recall, _ = _precision_recall(rows, CHECKERS[checker])
        print(f"\n{checker}, {name} ({len(rows)} sentences): precision {precision:.3f}, recall {recall:.3f}")
    precision, recall, wrong = _precision_recall(parts["held-out"], CHECKERS[checker])
    assert precision >= HELD_OUT_THRESHOLD, wrong
    assert recall >= HELD_OUT_THRESHOLD, wrong
    precision, recall, wrong = _precision_recall(everything, CHECKERS[checker])
    assert precision >= THRESHOLD, wrong
    assert recall >= THRESHOLD, wrong


def test_labelled_set_holds_the_systemic_answers_of_issue_13():
    labelled = dict((sentence, blameful) for blameful, sentence in _labelled()["tuning"])
    assert all(labelled[answer] is False for answer in SYSTEMIC_ANSWERS)


# --- word lists --------------------------------------------------------------------------


def write_user_lists(config_dir: Path, text: str) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / "blameless.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_lists_are_added_to_the_shipped_ones(user_folders):
    write_user_lists(user_folders.config, '[judgement]\nwords = ["clueless"]\n[people]\nnot_names = ["Bifrost"]\n')
    lexicon = load_lexicon()
    assert [h.rule for h in scan("A clueless change.", lexicon)] == ["judgement-word"]
    assert [h.rule for h in scan("A careless change.", lexicon)] == ["judgement-word"]
    assert scan("Bifrost failed to start.", lexicon) == []
    assert scan("Bifrost failed to start.", shipped_lexicon()) != []


def test_user_lexicon_path_follows_the_config_dir(user_folders):
    assert user_lexicon_path() == user_folders.config / "blameless.toml"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[judgement\nwords = 1", "not valid TOML"),
        ('[feelings]\nwords = ["x"]', "unknown table [feelings]"),
        ('[judgement]\nadjectives = ["x"]', "unknown key 'adjectives'"),
        ('[judgement]\nwords = "clueless"', "must be a list of quoted words"),
        ("[judgement]\nwords = [1]", "must be a list of quoted words"),
        ('judgement = ["x"]', "must be a [judgement] table"),
    ],
)
def test_bad_user_file_is_one_line_naming_the_file(user_folders, content, problem):
    path = write_user_lists(user_folders.config, content)
    with pytest.raises(LexiconError) as caught:
        load_lexicon()
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


def test_non_utf8_user_file(user_folders):
    path = user_folders.config / "blameless.toml"
    user_folders.config.mkdir()
    path.write_bytes(b"\xff\xfe[judgement]")
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_lexicon()


def test_default_lexicon_falls_back_and_reloads_when_the_file_changes(user_folders):
    path = write_user_lists(user_folders.config, "[judgement\n")
    lexicon, problem = default_lexicon()
    assert lexicon is shipped_lexicon()
    assert problem is not None and str(path) in problem
    path.write_text('[judgement]\nwords = ["clueless", "hapless"]\n', encoding="utf-8")
    lexicon, problem = default_lexicon()
    assert problem is None
    assert scan("A hapless change.", lexicon) != []


# --- findings in a meeting ------------------------------------------------------------------


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 14, hour, minute, tzinfo=UTC)


@pytest.fixture
def meeting() -> Meeting:
    chain = WhyChain(
        "Checkout failed",
        whys=[Why("The config was wrong"), Why("Dave forgot to validate it"), Why("No CI check exists")],
        root_cause=RootCause("Human error", "operational error"),
    )
    return Meeting(
        Incident("Outage", summary="Checkout failed after a careless push.", tz="Europe/Berlin"),
        events=[
            TimelineEvent(at(13, 37), "The wrong configuration was deployed"),
            TimelineEvent(at(13, 40), "Alert fired"),
        ],
        observations=[
            Observation("went_well", "Fast rollback"),
            Observation("went_poorly", "We should have paged sooner"),
        ],
        chains=[chain],
        factors=[ContributingFactor("The new hire failed to notice the warning", "people")],
        actions=[ActionItem("Add CI validation", success_criteria="Obviously it works")],
        notes={"intro": "Someone panicked."},
    )


def test_meeting_findings_cover_every_text_with_where_labels(meeting):
    found = {(f.where, f.rule) for f in meeting_findings(meeting, shipped_lexicon())}
    assert found == {
        ("summary", "judgement-word"),
        ("timeline 14:37", "passive-actor"),
        ("why 2 of chain 1", "blame-person"),
        ("root cause of chain 1", "human-error"),
        ("contributing factor 1", "blame-person"),
        ("what went poorly 1", "hindsight"),
        ("success criteria of action item 1", "judgement-word"),
        ("notes of intro", "blame-person"),
    }


def test_the_narrative_sections_are_checked_as_written(meeting):
    meeting.sections = {"lessons": "We learned a lot.\n\nThe on-call should have known the runbook.",
                        "response": "`Dave forgot` is the name of the alert.", "impact": "  "}
    found = [f for f in meeting_findings(meeting, shipped_lexicon()) if f.where.startswith("section")]
    assert [(f.where, f.rule, f.line, f.excerpt) for f in found] == [
        ("section lessons", "hindsight", 3, "on-call should have known")]
    assert found[0].key == finding_key("sections", "lessons", "hindsight", "on-call should have known")
    texts = [t.where for t in meeting_texts(meeting)]
    assert texts.index("section lessons") < texts.index("timeline 14:37")  # in the document's order


def test_meeting_texts_skip_empty_text(meeting):
    meeting.incident.summary = "  "
    assert "summary" not in [t.where for t in meeting_texts(meeting)]


def test_keys_are_stable_across_unrelated_edits_and_restarts(meeting):
    before = {f.where: f.key for f in meeting_findings(meeting, shipped_lexicon())}
    meeting.events.insert(0, TimelineEvent(at(13, 0), "Deploy started"))
    meeting.chains[0].whys.insert(0, Why("Errors rose"))
    meeting.factors[0].text = "Earlier sentence. " + meeting.factors[0].text
    after = {f.key for f in meeting_findings(meeting, shipped_lexicon())}
    assert set(before.values()) <= after
    why = meeting.chains[0].whys[2]
    assert before["why 2 of chain 1"] == finding_key(why.id, "text", "blame-person", "Dave forgot")


def test_editing_the_phrase_changes_the_key(meeting):
    old = {f.key for f in meeting_findings(meeting, shipped_lexicon())}
    meeting.chains[0].whys[1].text = "Ana forgot to validate it"
    new = {f.key for f in meeting_findings(meeting, shipped_lexicon())}
    assert len(new - old) == 1


def test_dismissed_findings_are_left_out_unless_asked_for(meeting):
    every = meeting_findings(meeting, shipped_lexicon())
    meeting.dismissed_findings.append(every[0].key)
    assert meeting_findings(meeting, shipped_lexicon()) == every[1:]
    assert meeting_findings(meeting, shipped_lexicon(), include_dismissed=True) == every
