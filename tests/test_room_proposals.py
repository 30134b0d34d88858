"""Note-takers' Five Whys answers are proposals the facilitator places: never appended in arrival order,
refused outside the Five Whys phase, kept with their author (session, room and the facilitator's view)."""

from __future__ import annotations

import asyncio

import pytest

from helpers import FIXED_EPOCH, FixedClock, create_meeting, plain, show_phase
from pmtui.demo import demo_meeting
from pmtui.model import Why
from pmtui.room.client import Rejected
from pmtui.session import MeetingSession, ValidationError
from pmtui.tui.app import make_app
from pmtui.tui.views.five_whys import ChainList, FiveWhysView, ProposalList
from test_room_support import new_meeting, open_five_whys, reload, room, until  # noqa: F401 (fixture)

FIVE_WHYS_PHASE = 3  # "Root cause analysis (Five Whys)" in standard-90
ANA, LEE = "a" * 32, "b" * 32


def _session(tmp_path) -> MeetingSession:
    return MeetingSession.open(tmp_path, new_meeting(tmp_path))


# --- the session ------------------------------------------------------------------------------------


def test_proposals_stay_out_of_the_chain_until_placed_and_keep_their_authors(tmp_path):
    session = _session(tmp_path)
    chain = session.start_chain("Checkout failed")
    open_five_whys(session)
    first = session.propose_why(chain.id, "the pool was too small", author="ana", author_id=ANA, speaker="Priya",
                                id="1" * 32)
    second = session.propose_why(chain.id, "nobody load-tested the new pool size", author="lee", author_id=LEE,
                                 id="2" * 32)
    assert chain.whys == [] and [w.text for w in chain.proposals] == [first.text, second.text]
    # the facilitator places them in causal order, not in arrival order
    session.accept_proposal(chain.id, second.id)
    session.set_aside_proposal(chain.id, first.id)
    assert [(w.text, w.author, w.author_id) for w in chain.whys] == [
        ("nobody load-tested the new pool size", "lee", LEE)]
    assert chain.proposals == [] and [(w.author, w.speaker) for w in chain.set_aside] == [("ana", "Priya")]
    with pytest.raises(ValidationError, match="no proposed answer"):
        session.accept_proposal(chain.id, first.id)  # put aside: no longer waiting
    session.close()
    stored = reload(tmp_path, session.meeting.id).chains[0]
    assert [w.id for w in stored.whys] == [second.id] and [w.id for w in stored.set_aside] == [first.id]
    assert stored.proposals == []


def test_a_proposal_s_speaker_names_the_attendee_as_a_why_s_does(tmp_path):
    session = _session(tmp_path)
    session.add_attendee("Ana Lima", "incident commander")
    chain = session.start_chain("Checkout failed")
    open_five_whys(session)
    proposal = session.propose_why(chain.id, "the pool was too small", author="lee", author_id=LEE, speaker="ana",
                                   id="1" * 32)
    assert proposal.speaker == "Ana Lima"
    session.close()


def test_placing_a_proposal_is_undone_by_ctrl_z_back_into_the_proposals(tmp_path):
    session = _session(tmp_path)
    chain = session.start_chain("Checkout failed")
    open_five_whys(session)
    proposal = session.propose_why(chain.id, "the pool was too small", author="ana", author_id=ANA, id="1" * 32)
    session.accept_proposal(chain.id, proposal.id)
    assert session.undo() == "Undid: placed why “the pool was too small”"
    assert chain.whys == [] and [w.id for w in chain.proposals] == [proposal.id]
    session.close()


def test_an_answer_outside_the_five_whys_phase_is_refused_in_one_line_but_a_stored_one_sent_again_is_not(tmp_path):
    session = _session(tmp_path)
    chain = session.start_chain("Checkout failed")
    actions = next(i for i, p in enumerate(session.agenda.phases) if p.kind == "actions")
    session.jump_to_phase(actions)
    with pytest.raises(ValidationError) as refused:
        session.propose_why(chain.id, "it was friday", author="ana", author_id=ANA, id="3" * 32)
    assert str(refused.value) == (f"the Five Whys are not open: the meeting is in {session.phase.title}; "
                                  "send your answer when the facilitator opens them")
    assert chain.proposals == [] and chain.whys == []
    open_five_whys(session)
    assert session.propose_why(chain.id, "the pool was too small", author="ana", author_id=ANA, id="4" * 32)
    session.jump_to_phase(actions)  # its ack was lost; the note-taker sends it again after the phase moved on
    assert session.propose_why(chain.id, "the pool was too small", author="ana", author_id=ANA, id="4" * 32) is None
    assert len(chain.proposals) == 1
    session.close()


# --- the room ----------------------------------------------------------------------------------------


async def test_two_note_takers_answering_at_once_cannot_reverse_the_chain(room):
    ana, lee = await room.client("ana"), await room.client("lee")
    await until(lambda: ana.connected and lee.connected)
    chain = room.session.start_chain("Checkout failed")
    room.session.add_why(chain.id, "the pool ran out of connections")
    open_five_whys(room.session)
    await until(lambda: ana.room.chain is not None and lee.room.chain is not None)
    # the shorter, later answer arrives first
    lee.add_why("nobody load-tested it", chain.id)
    ana.add_why("the new pool size was smaller than the old one", chain.id)
    await until(lambda: not ana.pending and not lee.pending, what="both proposals acknowledged")
    assert [w.text for w in chain.whys] == ["the pool ran out of connections"]  # nothing appended by arrival
    assert sorted(w.author for w in chain.proposals) == ["ana", "lee"]
    await until(lambda: len(ana.room.chain.proposals) == 2, what="the proposals reach the note-takers")
    by_author = {w.author: w for w in chain.proposals}
    room.session.accept_proposal(chain.id, by_author["ana"].id)
    room.session.accept_proposal(chain.id, by_author["lee"].id)
    expected = [("the pool ran out of connections", ""), ("the new pool size was smaller than the old one", "ana"),
                ("nobody load-tested it", "lee")]
    assert [(w.text, w.author) for w in chain.whys] == expected
    await until(lambda: [(w.text, w.author) for w in lee.room.chain.whys] == expected)
    assert lee.room.chain.proposals == ()
    assert [w.author_id for w in chain.whys[1:]] == [ana.identity, lee.identity]


async def test_a_why_typed_during_action_items_is_refused_with_a_clear_line(room):
    client = await room.client("ana")
    await until(lambda: client.connected)
    chain = room.session.start_chain("Checkout failed")
    room.session.add_why(chain.id, "the pool was too small")
    room.session.set_root_cause(chain.id, "process gap")
    room.session.jump_to_phase(next(i for i, p in enumerate(room.session.agenda.phases) if p.kind == "actions"))
    rejected: list[Rejected] = []
    client.on_update = lambda update: rejected.append(update) if isinstance(update, Rejected) else None
    client.add_why("it was friday", chain.id)
    await until(lambda: not client.pending)
    where = room.session.phase.title
    assert [r.message for r in rejected] == [f"the Five Whys are not open: the meeting is in {where}; "
                                             "send your answer when the facilitator opens them"]
    assert [w.text for w in chain.whys] == ["the pool was too small"] and chain.proposals == []


# --- the facilitator's Five Whys view ------------------------------------------------------------------


def _with_proposals():
    meeting = demo_meeting(now=FIXED_EPOCH)
    chain = meeting.chains[0]
    chain.proposals = [Why("the alert threshold was too high", "ana", id="5" * 32, author_id=ANA),
                       Why("nobody owned the alert", "lee", id="6" * 32, author_id=LEE)]
    return meeting, chain


async def test_the_facilitator_places_one_proposal_and_puts_the_other_aside(tmp_path):
    meeting, chain = _with_proposals()
    whys_before = [w.text for w in chain.whys]
    app = make_app(tmp_path, create_meeting(tmp_path, meeting), now=FixedClock())
    async with app.run_test(size=(160, 45)) as pilot:
        view = await show_phase(app, pilot, FIVE_WHYS_PHASE, FiveWhysView)
        proposals = view.query_one("#why-proposals", ProposalList)
        assert proposals.display and proposals.option_count == 2
        assert plain(proposals.get_option_at_index(0).prompt) == "the alert threshold was too high — ana"
        assert "2 proposed" in plain(view.query_one(ChainList).get_option_at_index(0).prompt)
        assert app.focused is view.entry.input
        await pilot.press("f4")
        assert app.focused is proposals
        await pilot.press("down", "enter")  # lee's answer is the next why
        await pilot.pause()
        live = app.session.meeting.chains[0]
        assert [(w.text, w.author, w.author_id) for w in live.whys[len(whys_before):]] == [
            ("nobody owned the alert", "lee", LEE)]
        assert proposals.option_count == 1 and app.focused is proposals
        await pilot.press("s")  # ana's is put aside
        await pilot.pause()
        assert live.proposals == [] and [w.author for w in live.set_aside] == ["ana"]
        assert not proposals.display and app.focused is view.entry.input  # back to typing
        assert [w.text for w in live.whys] == [*whys_before, "nobody owned the alert"]


async def test_a_proposal_arriving_shows_under_the_chain_while_the_facilitator_types(tmp_path):
    app = make_app(tmp_path, create_meeting(tmp_path, phase=FIVE_WHYS_PHASE), now=FixedClock())
    async with app.run_test(size=(80, 24)) as pilot:
        view = await show_phase(app, pilot, FIVE_WHYS_PHASE, FiveWhysView)
        proposals = view.query_one("#why-proposals", ProposalList)
        assert not proposals.display
        await pilot.press(*"half")
        chain = app.session.meeting.chains[0]
        app.session.propose_why(chain.id, "the alert threshold was too high", author="ana", author_id=ANA,
                                id="7" * 32)
        await pilot.pause()
        await asyncio.sleep(0)
        assert proposals.display and proposals.option_count == 1
        assert app.focused is view.entry.input and view.entry.input.value == "half"  # nothing taken from the line


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_five_whys_opens_with_proposals_waiting_at_every_size(tmp_path, size):
    """Before the narrow layout applies, the chain's box has no width: the list must not break the layout."""
    meeting, _chain = _with_proposals()
    app = make_app(tmp_path, create_meeting(tmp_path, meeting, phase=FIVE_WHYS_PHASE), now=FixedClock())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        view = app.screen.query_one(f"#phase-{FIVE_WHYS_PHASE}", FiveWhysView)
        proposals = view.query_one("#why-proposals", ProposalList)
        assert proposals.display and proposals.option_count == 2 and proposals.size.width > 0
        await pilot.press("f4", "enter")
        await pilot.pause()
        assert [w.author for w in app.session.meeting.chains[0].whys][-1] == "ana"
