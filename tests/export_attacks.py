"""A meeting whose every typed field is an attack on an HTML or XML export, for the HTML and Confluence tests.

Each attack is text a person could type (or a file could hold, before pmtui cleans it): markup that would run
or load something if it reached a page as markup, links to ``javascript:``, the end of a CDATA section, and
characters pmtui never keeps (bidi controls, invisible characters, terminal controls). ``expected_text`` is what
a reader must see of it: the text itself, without the characters of the text rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pmtui.model import (
    ActionItem,
    Attendee,
    ContributingFactor,
    Incident,
    Meeting,
    Observation,
    RootCause,
    TimelineEvent,
    Why,
    WhyChain,
)
from pmtui.text import clean

ATTACKS = {
    "script": "<script>window.__pwned = 'script'</script>",
    "img": "<img src=x onerror=window.__pwned='img'>",
    "svg": "\"><svg onload=window.__pwned='svg'>",
    "attribute": "' onmouseover='window.__pwned=1' x='",
    "link": "[click](javascript:window.__pwned='link')",
    "autolink": "<javascript:window.__pwned='autolink'>",
    "anchor": "<a href=\"javascript:window.__pwned='anchor'\">x</a>",
    "image": "![pixel](https://evil.example/pixel.png)",
    "style": "<style>body { display: none }</style>",
    "comment": "<!-- the rest is hidden",
    "cdata": "ends ]]> here <![CDATA[ and ]]]]> there",
    "entities": "&lt;script&gt; &#60;b&#62; &amp; &nbsp;",
    "bidi": "abc\u202edcb\u202c and \u2066isolated\u2069 \u200fmark",
    "invisible": "zero\u200bwidth\u2060joined\ufeffword",
    "control": "bell\x07 escape\x1b[31m red\x1b]0;title\x07 c1\x9b2J end",
}
"""One of each attack class, named."""

NOTE = "A long note. " + "word " * 19_997  # 100,000 characters
MARK = "qzx"
"""A word no export writes itself: a test finds the typed text by it."""


def attack(name: str) -> str:
    return f"{MARK}{name} {ATTACKS[name]} {MARK}end"


def expected_text(typed: str) -> str:
    """What a reader sees of ``typed``: the text rule's characters removed (markdown-it reads a NUL as U+FFFD),
    runs of blanks and line breaks as one space."""
    return " ".join(clean(typed.replace("\0", "\ufffd"), multiline=True).split())


def utc(hour: int, minute: int) -> datetime:
    return datetime(2026, 3, 14, hour, minute, tzinfo=UTC)


def attack_meeting(*names: str) -> tuple[Meeting, list[str]]:
    """The meeting, and every typed string the document shows; each holds one of the ``names`` attacks (all
    of them, taking turns, without names)."""
    names = names or tuple(ATTACKS)
    shown: list[str] = []

    def typed(index: int) -> str:
        text = attack(names[index % len(names)])
        shown.append(text)
        return text

    incident = Incident(typed(0), summary=typed(1), services=[typed(2)], impact_start=utc(14, 37),
                        detected=utc(14, 40), mitigated=utc(14, 52), resolved=utc(15, 0),
                        users_affected=typed(3), slo_impact=typed(4), detection_method=typed(5))
    chain = WhyChain(typed(6), whys=[Why(typed(7)), Why(typed(8), author="ana")],
                     root_cause=RootCause(typed(9), "process"))
    meeting = Meeting(
        incident,
        attendees=[Attendee("ana", "facilitator"), Attendee(typed(10), "incident commander")],
        events=[TimelineEvent(utc(14, 30 + i), typed(11 + i), actor=typed(12 + i), decision_point=i == 3)
                for i in range(len(ATTACKS))],
        observations=[Observation(kind, typed(12 + i)) for i, kind in enumerate(("went_well", "went_poorly", "lucky"))],
        chains=[chain],
        factors=[ContributingFactor(typed(13), "tooling")],
        actions=[ActionItem(typed(14), owner="ana", due=date(2026, 4, 1), success_criteria=typed(15),
                            root_cause_id=chain.id, link="javascript:window.__pwned='tracker'")],
        notes={"timeline": NOTE},
        document_owner=typed(16),
        status="ended",
    )
    meeting.events[0].evidence = "https://evil.example/\"><script>window.__pwned='evidence'</script>"
    meeting.events[1].evidence = "javascript:window.__pwned='evidence'"
    meeting.sections = {"narrative": section_text(), "lessons": section_text()}
    shown.append(NOTE)
    return meeting, shown


def section_text() -> str:
    """A narrative section: Markdown is honoured there, raw HTML and unsafe links are not."""
    return "\n\n".join([
        f"{MARK}section {ATTACKS['script']} {ATTACKS['img']}",
        "Read [the runbook](javascript:window.__pwned='section') and ![graph](https://evil.example/graph.png).",
        f"```sql\nselect 1; -- {ATTACKS['cdata']} {ATTACKS['script']}\n```",
        ATTACKS["bidi"],
    ])
