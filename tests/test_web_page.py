"""The browser note-taker's page (src/pmtui/room/web), driven in the system's Chromium against a real room.

Each test opens the page the way a note-taker does (the facilitator's join link) and checks what reaches the
facilitator's session, or what the page shows. Waits are bounded (Playwright's ``expect`` and ``until``).
Screenshots of the phone and desktop layouts are kept under the test's tmp dir (``pytest --basetemp=DIR`` to
keep them somewhere known).
"""

from __future__ import annotations

import re

import pytest

from browser_support import browser, chromium, join_link, room  # noqa: F401 (fixtures)
from pmtui.entry_grammar import PREFIX_HINT, QuickEntryError, parse_event_line
from pmtui.room.view import NotesView
from pmtui.timeparse import TimeFormatError
from test_room_support import open_five_whys, until

playwright_api = pytest.importorskip("playwright.async_api")
expect = playwright_api.expect

pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One Chromium and one event loop for the module (browser_support)."""

WAIT = 10_000  # ms: every wait on the page is bounded


class Watched:
    """A page, and every console error, uncaught exception and CSP violation it produced."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", lambda m: self.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))

    async def all_problems(self) -> list[str]:
        """The console's errors and the CSP violations the page itself saw (``securitypolicyviolation``)."""
        return self.problems + [f"CSP: {v}" for v in await self.page.evaluate("window.__csp")]


async def open_page(browser, room, *, name: str | None = "alice", viewport=None, link: str | None = None,
                    permissions=None) -> Watched:
    """A note-taker's own browser profile (its own storage) on the join link, joined as ``name``."""
    context = await browser.new_context(viewport=viewport or {"width": 1280, "height": 800},
                                        permissions=permissions or [])
    page = await context.new_page()
    watched = Watched(page)
    await page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push("
        "e.violatedDirective + ' ' + e.blockedURI));")
    await page.goto(link or join_link(room))
    if name is not None:
        await join_as(page, name)
    return watched


async def join_as(page, name: str) -> None:
    await expect(page.get_by_label("Your name, as the room shows it next to your notes")).to_be_focused(timeout=WAIT)
    await page.keyboard.type(name)
    await page.keyboard.press("Enter")
    await expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=WAIT)
    await expect(page.locator("#entry")).to_be_focused(timeout=WAIT)


async def type_entry(page, line: str) -> None:
    await page.locator("#entry").focus()
    await page.keyboard.type(line)
    await page.keyboard.press("Enter")


def own_events(room, author: str) -> list[str]:
    return [e.description for e in room.session.meeting.events if e.author == author]


async def test_joining_from_the_link_hides_the_token_and_focuses_the_entry(room, browser):
    watched = await open_page(browser, room)
    page = watched.page
    assert "#t=" not in page.url and "test-token" not in page.url
    assert await page.evaluate("sessionStorage.getItem('pmtui.token')") == "test-token-0123456789"
    assert await page.title() == "Checkout errors — pmtui note-taker"
    await expect(page.locator("#meeting-title")).to_have_text("Checkout errors")
    await expect(page.locator("#status")).to_contain_text("connected as alice")
    await expect(page.locator("#prefix-hint")).to_have_text(PREFIX_HINT)
    await expect(page.locator("#name-panel")).to_be_hidden()
    assert await watched.all_problems() == []


async def test_a_page_without_the_token_asks_for_it_and_says_when_it_is_wrong(room, browser):
    watched = await open_page(browser, room, name=None, link=room.url + "/")
    page = watched.page
    token_field = page.get_by_label("The room token (from the facilitator's join link)")
    await expect(token_field).to_be_focused(timeout=WAIT)
    await token_field.fill("not-the-token")
    await token_field.press("Enter")
    await expect(page.locator("#token-error")).to_have_text(re.compile("room token is wrong"), timeout=WAIT)
    await expect(page.locator("#status")).to_have_attribute("data-state", "waiting")
    await expect(token_field).to_be_focused()
    await token_field.fill("test-token-0123456789")
    await token_field.press("Enter")
    await join_as(page, "alice")
    await expect(page.locator("#token-panel")).to_be_hidden()


async def test_events_and_observations_typed_reach_the_facilitator_with_their_author(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "14:37 checkout errors start | bob | grafana")
    await type_entry(page, "+ the pager woke the right person")
    await until(lambda: own_events(room, "alice") == ["checkout errors start"], what="the event stored")
    await until(lambda: [o.text for o in room.session.meeting.observations if o.author == "alice"]
                == ["the pager woke the right person"], what="the observation stored")
    event = room.session.meeting.events[-1]
    observation = room.session.meeting.observations[-1]
    assert (event.actor, event.evidence) == ("bob", "grafana")
    assert observation.kind == "went_well"
    assert event.author_id and observation.author_id == event.author_id
    row = page.locator("#timeline-body tr", has_text="checkout errors start")
    await expect(row).to_contain_text("14:37:00", timeout=WAIT)
    await expect(row).to_contain_text("alice")
    await expect(page.locator("#obs-went_well")).to_contain_text("the pager woke the right person — alice")
    await expect(page.locator("#pending li")).to_have_count(0, timeout=WAIT)
    await expect(page.locator("#status")).to_contain_text("all stored")
    assert await page.evaluate("JSON.parse(localStorage.getItem('pmtui.outbox'))") == []


async def test_a_timeline_across_midnight_shows_every_row_with_its_date_as_the_facilitator_does(room, browser):
    """One day: the clock alone; once an event is on the next day, every row carries its date, in order."""
    page = (await open_page(browser, room)).page
    await type_entry(page, "23:50 replica lag alert")
    row = page.locator("#timeline-body tr", has_text="replica lag alert")
    await expect(row.locator("td").first).to_have_text("23:50:00", timeout=WAIT)
    await type_entry(page, "00:10 backup found empty")
    await until(lambda: len(own_events(room, "alice")) == 2, what="both events stored")
    after = next(e for e in room.session.meeting.events if e.description == "backup found empty")
    assert (after.time.day, after.time.hour) == (15, 0), "00:10 after 23:50 is the next day"
    times = page.locator("#timeline-body tr td:first-child")
    await expect(times).to_have_text(["Mar 14 23:50:00", "Mar 15 00:10:00"], timeout=WAIT)


async def test_a_bad_line_shows_the_room_s_message_and_comes_back_to_the_field(room, browser):
    page = (await open_page(browser, room)).page
    with pytest.raises((QuickEntryError, TimeFormatError)) as problem:  # what pmtui join would say
        parse_event_line("25:99 the clock is wrong", tz="UTC")
    await type_entry(page, "25:99 the clock is wrong")
    await expect(page.locator("#entry-error")).to_contain_text(str(problem.value), timeout=WAIT)
    await expect(page.locator("#entry")).to_have_value("25:99 the clock is wrong")
    await expect(page.locator("#pending li")).to_have_count(0)
    assert room.session.meeting.events == []


async def test_pasting_from_the_clipboard_and_the_browser_s_own_editing_keys(room, browser):
    page = (await open_page(browser, room, permissions=["clipboard-read", "clipboard-write"])).page
    entry = page.locator("#entry")
    await entry.focus()
    await page.keyboard.type("typed first")
    await page.keyboard.press("Control+A")  # select all, as in any text field: what follows replaces it
    await page.keyboard.insert_text("14:41 pasted from a chat ")
    await page.evaluate("navigator.clipboard.writeText('| carol | copied elsewhere')")
    await page.keyboard.press("Control+V")
    await expect(entry).to_have_value("14:41 pasted from a chat | carol | copied elsewhere")
    await page.keyboard.type(" oops")
    await page.keyboard.press("Control+Z")  # the browser's undo takes back the last typing
    await expect(entry).not_to_have_value(re.compile("oops"))
    await entry.fill("14:41 pasted from a chat | carol | copied elsewhere")
    await entry.press("Enter")
    await until(lambda: own_events(room, "alice") == ["pasted from a chat"], what="the pasted line stored")
    assert room.session.meeting.events[-1].evidence == "copied elsewhere"
    assert await entry.get_attribute("spellcheck") == "true"


async def test_a_reload_keeps_the_identity_and_the_draft(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "14:37 before the reload")
    await until(lambda: own_events(room, "alice") == ["before the reload"], what="the first event")
    first = room.session.meeting.events[-1].author_id
    await page.keyboard.type("14:38 half typed when the lid closed")
    await page.reload()
    await expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=WAIT)
    await expect(page.locator("#name-panel")).to_be_hidden()
    entry = page.locator("#entry")
    await expect(entry).to_be_focused()
    await expect(entry).to_have_value("14:38 half typed when the lid closed")
    await page.keyboard.press("End")
    await page.keyboard.type(" | dave")
    await page.keyboard.press("Enter")
    await until(lambda: own_events(room, "alice") == ["before the reload", "half typed when the lid closed"],
                what="the draft sent after the reload")
    assert room.session.meeting.events[-1].author_id == first
    assert await page.evaluate("localStorage.getItem('pmtui.draft')") == ""


async def test_another_note_taker_s_entry_appears_live_and_is_announced(room, browser):
    page = (await open_page(browser, room)).page
    bob = await room.client("bob")
    await until(lambda: bob.room.clock is not None, what="bob welcomed")
    view = NotesView(bob)
    bob.submit(view.read_line("14:45 bob restarted the pods | bob"))
    bob.submit(view.read_line("! the cache hid the outage"))
    row = page.locator("#timeline-body tr", has_text="bob restarted the pods")
    await expect(row).to_contain_text("bob", timeout=WAIT)
    await expect(page.locator("#obs-lucky")).to_contain_text("the cache hid the outage — bob", timeout=WAIT)
    await expect(row.get_by_role("button")).to_have_count(0)  # not hers: nothing to edit or remove
    await expect(page.locator("#announce")).to_contain_text("bob added an event: bob restarted the pods", timeout=WAIT)


async def test_the_facilitator_s_phase_changes_are_followed_live(room, browser):
    page = (await open_page(browser, room)).page
    session = room.session
    await expect(page.locator("#phase")).to_have_text(f"Phase 1/{len(session.agenda.phases)}: {session.phase.title}")
    await expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d not started$"))
    session.next_phase()
    session.start_clock()
    await expect(page.locator("#phase")).to_have_text(f"Phase 2/{len(session.agenda.phases)}: {session.phase.title}",
                                                      timeout=WAIT)
    await expect(page.locator("#countdown")).to_have_text(re.compile(r"^\d\d:\d\d$"), timeout=WAIT)


async def test_own_entries_are_edited_and_removed_from_the_keyboard(room, browser):
    page = (await open_page(browser, room)).page
    room.session.add_event("2026-03-14 14:30", "the facilitator's own note")
    await type_entry(page, "14:37 checkout errors | bob")
    await until(lambda: own_events(room, "alice") == ["checkout errors"], what="the event stored")
    theirs = page.locator("#timeline-body tr", has_text="the facilitator's own note")
    await expect(theirs).to_be_visible(timeout=WAIT)
    await expect(theirs.get_by_role("button")).to_have_count(0)
    mine = page.locator("#timeline-body tr", has_text="checkout errors")
    edit = mine.get_by_role("button", name="Edit your event")
    await edit.focus()
    await page.keyboard.press("Enter")
    field = page.get_by_label("Edit your entry (Enter saves, Esc cancels)")
    await expect(field).to_be_focused()
    await expect(field).to_have_value("14:37:00 checkout errors | bob")
    await page.keyboard.press("Escape")  # cancels: nothing changes, back on the Edit button
    await expect(field).to_be_hidden()
    await expect(edit).to_be_focused()
    await page.keyboard.press("Enter")
    await field.fill("14:39:00 checkout errors everywhere | carol")
    await field.press("Enter")
    await until(lambda: [(e.description, e.actor) for e in room.session.meeting.events if e.author == "alice"]
                == [("checkout errors everywhere", "carol")], what="the edit stored")
    mine = page.locator("#timeline-body tr", has_text="checkout errors everywhere")
    await expect(mine).to_contain_text("14:39:00", timeout=WAIT)
    await mine.get_by_role("button", name="Remove your event").press("Enter")
    await mine.get_by_role("button", name="Yes, remove").press("Escape")  # asked, and not made: back to typing
    await expect(page.locator("#entry")).to_be_focused()
    await mine.get_by_role("button", name="Remove your event").press("Enter")
    await mine.get_by_role("button", name="Yes, remove").press("Enter")
    await until(lambda: own_events(room, "alice") == [], what="the removal stored")
    await expect(mine).to_have_count(0, timeout=WAIT)
    assert [e.description for e in room.session.meeting.events] == ["the facilitator's own note"]


async def test_an_own_observation_is_edited_with_its_mark(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "- the runbook was out of date")
    await until(lambda: len(room.session.meeting.observations) == 1, what="the observation stored")
    item = page.locator("#obs-went_poorly li", has_text="the runbook was out of date")
    await item.get_by_role("button", name="Edit your observation").click()
    field = page.locator("#edit-input")
    await expect(field).to_have_value("- the runbook was out of date")
    await field.fill("! the runbook happened to be right")
    await field.press("Enter")
    await until(lambda: [(o.kind, o.text) for o in room.session.meeting.observations]
                == [("lucky", "the runbook happened to be right")], what="the edit stored")
    await expect(page.locator("#obs-lucky")).to_contain_text("the runbook happened to be right", timeout=WAIT)
    await expect(page.locator("#obs-went_poorly li")).to_have_count(0)


async def test_markup_in_what_people_type_shows_as_text(room, browser):
    watched = await open_page(browser, room, name="<b>eve</b>")
    page = watched.page
    await type_entry(page, "14:37 <img src=x onerror=window.__pwned=1> | <script>alert(1)</script>")
    await type_entry(page, "+ <img src=y onerror=window.__pwned=2>")
    row = page.locator("#timeline-body tr", has_text="<img src=x onerror=window.__pwned=1>")
    await expect(row).to_contain_text("<script>alert(1)</script>", timeout=WAIT)
    await expect(row).to_contain_text("<b>eve</b>")
    await expect(page.locator("#obs-went_well")).to_contain_text("<img src=y onerror=window.__pwned=2>", timeout=WAIT)
    await expect(page.locator("#status")).to_contain_text("connected as <b>eve</b>")
    assert await page.locator("main img, main script, main b").count() == 0
    assert await page.evaluate("window.__pwned") is None
    assert await watched.all_problems() == []


async def test_the_phone_and_desktop_layouts(room, browser, tmp_path):
    for minute in range(12):
        room.session.add_event(f"2026-03-14 14:{minute:02d}", f"step {minute}: a long description of what happened "
                               "so that the phone has to wrap it over several lines", "the-on-call-engineer",
                               speaker="someone-with-a-long-name")
    room.session.add_observation("went_poorly", "an unbreakable-word-" + "x" * 60)
    phone = await open_page(browser, room, viewport={"width": 390, "height": 844})
    page = phone.page
    await expect(page.locator("#timeline-body tr")).to_have_count(12, timeout=WAIT)
    assert (await page.evaluate("getComputedStyle(document.body).fontFamily")).startswith("system-ui")  # styled
    await page.keyboard.type("14:50 typed on a phone")
    entry = page.locator("#entry")
    await expect(entry).to_be_in_viewport()
    await expect(page.locator("#entry-submit")).to_be_in_viewport()
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert await page.locator("#timeline thead").evaluate("e => e.getBoundingClientRect().height") <= 1  # cards
    await page.screenshot(path=tmp_path / "phone-390x844.png")
    await page.mouse.wheel(0, 3000)
    await expect(entry).to_be_in_viewport()
    await page.screenshot(path=tmp_path / "phone-390x844-scrolled.png")

    desktop = await open_page(browser, room, name="bob", viewport={"width": 1400, "height": 900})
    page = desktop.page
    await expect(page.locator("#timeline-body tr")).to_have_count(12, timeout=WAIT)
    for header in ("Time", "Event", "Actor", "Author"):
        await expect(page.get_by_role("columnheader", name=header, exact=True)).to_be_in_viewport()
    await expect(page.locator("#entry")).to_be_in_viewport()
    assert await page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    await page.screenshot(path=tmp_path / "desktop-1400x900.png")
    assert await phone.all_problems() == [] and await desktop.all_problems() == []
    assert (tmp_path / "phone-390x844.png").stat().st_size > 0


async def test_high_contrast_is_a_remembered_choice(room, browser):
    page = (await open_page(browser, room)).page
    toggle = page.get_by_role("button", name="High contrast")
    await expect(toggle).to_have_attribute("aria-pressed", "false")
    before = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-pressed", "true")
    assert await page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)" != before
    await page.reload()
    await expect(page.get_by_role("button", name="High contrast")).to_have_attribute("aria-pressed", "true")


async def test_a_name_taken_by_someone_else_is_asked_again_with_the_room_s_message(room, browser):
    await open_page(browser, room, name="alice")
    other = (await open_page(browser, room, name=None)).page
    name = other.get_by_label("Your name, as the room shows it next to your notes")
    await expect(name).to_be_focused(timeout=WAIT)
    await other.keyboard.press("Escape")  # nothing harmful: the question stays
    await expect(name).to_be_visible()
    await name.fill("alice")
    await name.press("Enter")
    await expect(other.locator("#name-error")).not_to_be_empty(timeout=WAIT)
    await expect(name).to_be_focused()
    await name.fill("alice2")
    await name.press("Enter")
    await expect(other.locator("#status")).to_contain_text("connected as alice2", timeout=WAIT)


async def test_the_end_of_the_meeting_is_a_final_state_with_the_counts(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "14:37 one event")
    await until(lambda: own_events(room, "alice") == ["one event"], what="the event stored")
    room.session.end()
    await expect(page.locator("#notice")).to_contain_text("You added 1 event, 0 observations, 0 whys.", timeout=WAIT)
    await expect(page.locator("#status")).to_have_attribute("data-state", "ended")
    await expect(page.locator("#countdown")).to_be_empty()
    await type_entry(page, "14:38 too late")
    await expect(page.locator("#entry-error")).to_contain_text("The meeting has ended")


async def test_entries_typed_while_the_facilitator_is_away_arrive_once_when_they_are_back(room, browser):
    page = (await open_page(browser, room)).page
    await room.stop_server()
    await expect(page.locator("#notice")).to_contain_text("stopped sharing; entries stay queued here", timeout=WAIT)
    await type_entry(page, "14:40 written while the room is away")
    await expect(page.locator("#pending")).to_contain_text("sending… 14:40 written while the room is away")
    assert len(await page.evaluate("JSON.parse(localStorage.getItem('pmtui.outbox'))")) == 1
    await expect(page.locator("#status")).to_contain_text("retrying in")
    await room.start_server()  # the same meeting, the same address
    await until(lambda: own_events(room, "alice") == ["written while the room is away"], timeout=30,
                what="the queued entry stored after the facilitator came back")
    await expect(page.locator("#pending li")).to_have_count(0, timeout=WAIT)
    await expect(page.locator("#status")).to_contain_text("connected as alice · all stored")
    assert own_events(room, "alice") == ["written while the room is away"]


async def test_the_five_whys_chain_and_a_proposed_answer(room, browser):
    page = (await open_page(browser, room)).page
    session = room.session
    await expect(page.locator("#chain")).to_contain_text("No chain yet", timeout=WAIT)
    open_five_whys(session)
    chain = session.start_chain("Checkout failed for 20 minutes")
    session.add_why(chain.id, "the deploy changed the payment config", speaker="bob")
    await expect(page.locator("#chain")).to_contain_text("Problem: Checkout failed for 20 minutes", timeout=WAIT)
    await expect(page.locator("#chain ol li")).to_have_text(["the deploy changed the payment config — bob"])
    await expect(page.locator("#entry-hint")).to_contain_text("your answer to the current why")
    await type_entry(page, "nobody reviewed the config change")  # plain in this phase: an answer
    await until(lambda: [w.text for w in session.meeting.chains[-1].proposals] == ["nobody reviewed the config change"],
                what="the proposal stored")
    await expect(page.locator("#chain .proposals")).to_contain_text(
        "proposed: nobody reviewed the config change — alice", timeout=WAIT)


async def test_a_note_taker_the_facilitator_removes_is_told_and_not_reconnected(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "14:37 one event")
    await until(lambda: own_events(room, "alice") == ["one event"], what="the event stored")
    room.server.remove_note_taker(room.session.meeting.events[-1].author_id)
    await expect(page.locator("#notice")).to_contain_text("the facilitator removed you from this room", timeout=WAIT)
    await expect(page.locator("#status")).to_have_attribute("data-state", "refused")
    await expect(page.locator("#timeline-body button")).to_have_count(0)  # nothing to edit any more


async def test_light_and_dark_follow_the_system(room, browser):
    for scheme, dark in (("light", False), ("dark", True)):
        context = await browser.new_context(color_scheme=scheme)
        page = await context.new_page()
        await page.goto(join_link(room))
        rgb = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (sum(map(int, re.findall(r"\d+", rgb)[:3])) < 200) is dark, (scheme, rgb)
        await context.close()


async def test_typing_shows_on_the_facilitator_s_panel_without_the_text(room, browser):
    page = (await open_page(browser, room)).page
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    await page.reload()  # the socket opened from now on is watched
    await expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=WAIT)
    await page.keyboard.type("14:37 a secret half-line")
    await until(lambda: any(p.typing for p in room.server.presence() if p.name == "alice"), what="alice typing")
    typing = [frame for frame in sent if '"typing"' in frame]
    assert typing and all(frame == '{"type":"typing"}' for frame in typing)
    assert len(typing) <= 2  # at most one a second, not one a keystroke
    assert not any("secret" in frame for frame in sent)


async def test_a_second_tab_of_the_same_person_takes_over_and_the_first_says_so(room, browser):
    first = (await open_page(browser, room)).page
    second = await first.context.new_page()
    await second.goto(join_link(room))
    await expect(second.locator("#status")).to_contain_text("connected as alice", timeout=WAIT)  # asked nothing
    await expect(first.locator("#notice")).to_contain_text("you joined this room again from another window",
                                                           timeout=WAIT)
    await expect(first.locator("#status")).to_have_attribute("data-state", "refused")
    await type_entry(second, "14:37 from the second tab")
    await until(lambda: own_events(room, "alice") == ["from the second tab"], what="the second tab's entry")
    assert len({p.author for p in room.server.presence() if p.connected}) == 1


async def test_storage_this_page_cannot_read_is_started_afresh(room, browser):
    page = (await open_page(browser, room, name=None)).page
    await page.evaluate("localStorage.setItem('pmtui.identity', '[1'); localStorage.setItem('pmtui.outbox', '{}');"
                        "localStorage.setItem('pmtui.draft', '14:37')")
    await page.reload()
    await join_as(page, "alice")  # asked again: the kept identity was unreadable
    await expect(page.locator("#entry")).to_have_value("14:37")
    await page.keyboard.type(" after a broken store")
    await page.keyboard.press("Enter")
    await until(lambda: own_events(room, "alice") == ["after a broken store"], what="stored after the broken store")


async def test_an_edit_the_room_refuses_comes_back_in_the_edit_form(room, browser):
    page = (await open_page(browser, room)).page
    await type_entry(page, "14:37 checkout errors | bob")
    await until(lambda: own_events(room, "alice") == ["checkout errors"], what="the event stored")
    await page.get_by_role("button", name="Edit your event").click()
    field = page.locator("#edit-input")
    await field.fill("99:99 checkout errors | bob")
    await field.press("Enter")
    await expect(page.locator("#entry-error")).to_contain_text("Not stored: ", timeout=WAIT)
    await expect(field).to_be_visible()
    await expect(field).to_have_value("99:99 checkout errors | bob")
    await expect(page.locator("#entry")).to_have_value("")  # not where Enter would add it as a new entry
    assert [(e.description, e.actor) for e in room.session.meeting.events] == [("checkout errors", "bob")]


async def test_entries_beyond_the_room_s_rate_wait_and_arrive_once_in_order(room, browser):
    await room.stop_server()
    await room.start_server(entry_rate=2)
    page = (await open_page(browser, room)).page
    lines = [f"+ note {n}" for n in range(6)]
    for line in lines:
        await type_entry(page, line)
    await until(lambda: [o.text for o in room.session.meeting.observations] == [line[2:] for line in lines],
                timeout=20, what="all six stored once, in the order typed")
    await expect(page.locator("#pending li")).to_have_count(0, timeout=WAIT)
    assert await page.locator("#entry-error").text_content() == ""
