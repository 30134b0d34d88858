"""The home screen: the meetings in the data dir (and archives, read-only), resume one or start a new one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Header, Input, Label, Select, Static

from ...agenda import DEFAULT_AGENDA, AgendaError, available_agendas
from ...library import LOCAL, has_open_actions
from ...model import SEVERITIES
from ...session import MeetingSession, ValidationError, new_incident
from ...store import MeetingSummary, StoreError, list_meetings
from ..widgets.footer import FittingFooter
from ..widgets.list_table import ListTable
from .dialogs import CANCEL, form_row


def _created(summary: MeetingSummary) -> str:
    """When the meeting was created, as 'YYYY-MM-DD HH:MM' in UTC."""
    try:
        return datetime.fromisoformat(summary.created).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return summary.created[:16]


def _title(summary: MeetingSummary) -> Text:
    """The title, then an ended meeting's draft marker ('draft: 2 sections to write'), so the owner sees what is due."""
    title = Text(summary.title)
    if summary.draft:
        title.append(f"  {summary.draft}", style="italic")
    return title


class MeetingTable(ListTable):
    """The meetings, newest first, one row each (keyed by meeting id)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", id="open_meeting")]


class HomeScreen(Screen):
    """Lists the meetings in ``data_dir``; Enter resumes one, n starts a new one.

    With ``archives`` their meetings are listed too, with a Source column; Enter on one shows its post-mortem
    read-only (:class:`~pmtui.tui.screens.archived.ArchivedMeetingScreen`).
    """

    TITLE = "pmtui — post-mortem meetings"
    BINDINGS = [
        Binding("n", "new_meeting", "New meeting", id="new_meeting"),
        Binding("r", "reload", "Reload", id="reload_meetings"),
        Binding("a", "action_items", "Action items", id="action_items"),
        Binding("s", "stats", "Stats", id="stats"),
    ]

    def __init__(self, data_dir: Path, archives: list[Path] | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.archives = list(archives or ())
        self.sources: dict[str, str] = {}
        self.records: dict[str, Path] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        table = MeetingTable(id="meetings", cursor_type="row", zebra_stripes=True)
        table.add_column("Created (UTC)", key="created")
        table.add_column("Sev", key="severity")
        table.add_column("Status", key="status")
        table.add_column("ID", key="id")
        if self.archives:
            table.add_column("Source", key="source")
        table.add_column("Title", key="title")
        yield table
        yield Static("Reading meetings…", id="home-message", markup=False)
        yield Static("", id="home-errors", markup=False)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the data dir again and show what it holds."""
        self._load()

    @work(exclusive=True, group="home-list")
    async def _load(self) -> None:
        try:
            meetings, errors = await asyncio.to_thread(self._read)
        except OSError as exc:
            problem = StoreError(f"cannot read {self.data_dir}: {exc.strerror or exc}; check its permissions")
            meetings, errors = [], [problem]
        self._show(meetings, errors)

    def _read(self) -> tuple[list[MeetingSummary], list[StoreError]]:
        """The meetings to list (on a thread): the data dir's, and with archives theirs, each once."""
        if not self.archives:
            return list_meetings(self.data_dir)
        from ...archive.listing import list_with_archives

        try:
            meetings, self.sources, errors = list_with_archives(self.data_dir, self.archives)
        except StoreError as exc:  # an archive that is not a folder: the data dir is still listed
            meetings, errors = list_meetings(self.data_dir)
            self.sources, errors = {m.id: LOCAL for m in meetings}, [exc, *errors]
        self.records = {m.id: m.path for m in meetings if self.sources.get(m.id, LOCAL) != LOCAL}
        return meetings, errors

    def _show(self, meetings: list[MeetingSummary], errors: list[StoreError]) -> None:
        table = self.query_one(MeetingTable)
        table.clear()
        for m in meetings:
            source = (Text(self.sources.get(m.id, LOCAL)),) if self.archives else ()
            table.add_row(*(Text(v) for v in (_created(m), m.severity, m.status, m.id)), *source, _title(m), key=m.id)
        self.sub_title = f"{len(meetings)} meeting{'' if len(meetings) == 1 else 's'}"
        message = self.query_one("#home-message", Static)
        message.update(f"No meetings in {self.data_dir} yet: press n to create your first meeting.")
        message.display = not meetings
        table.display = bool(meetings)
        problems = self.query_one("#home-errors", Static)
        problems.update("\n".join(f"⚠ {error}" for error in errors))
        problems.display = bool(errors)
        table.focus()

    @on(DataTable.RowSelected, "#meetings")
    def _open(self, event: DataTable.RowSelected) -> None:
        meeting_id = event.row_key.value
        if meeting_id in self.records:
            from .archived import ArchivedMeetingScreen

            self.app.push_screen(ArchivedMeetingScreen(self.records[meeting_id], self.sources[meeting_id]))
            return
        self.app.resume_meeting(meeting_id)

    def action_action_items(self) -> None:
        """Open the action items of every meeting, to close the done ones."""
        from .actions_board import ActionsBoardScreen

        self.app.push_screen(ActionsBoardScreen(self.data_dir))

    def action_stats(self) -> None:
        """Open the patterns across incidents (archived ones too)."""
        from .stats import StatsScreen

        self.app.push_screen(StatsScreen(self.data_dir, archives=self.archives))

    def action_new_meeting(self) -> None:
        """Ask for the new incident, create its meeting and open it."""

        def created(meeting_id: str | None) -> None:
            if meeting_id is not None:
                self.app.resume_meeting(meeting_id)

        self.app.push_screen(NewMeetingDialog(self.data_dir), created)


class NewMeetingDialog(ModalScreen[str | None]):
    """A form for a new meeting; creates it and dismisses with its id."""

    BINDINGS = [
        Binding("ctrl+s", "create", "Create", id="create_meeting"),
        CANCEL,
    ]

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.agendas, self.agenda_errors = available_agendas()
        self._creating = False

    def compose(self) -> ComposeResult:
        names = [a.name for a in self.agendas]
        agenda_options = [(f"{a.name} · {a.total_minutes:g} min", a.name) for a in self.agendas]
        with Vertical(id="new-meeting-dialog", classes="dialog") as box:
            box.border_title = "New meeting"
            yield form_row("Incident title", Input(placeholder="what happened, in a few words", id="new-title",
                                                   compact=True))
            yield form_row("Severity", Select([(s, s) for s in SEVERITIES], value="SEV2", allow_blank=False,
                                              id="new-severity", compact=True))
            yield form_row("Agenda", Select(agenda_options, allow_blank=False, id="new-agenda", compact=True,
                                            value=DEFAULT_AGENDA if DEFAULT_AGENDA in names else names[0]))
            yield form_row("Services", Input(placeholder="comma separated, e.g. checkout-api, payments",
                                             id="new-services", compact=True))
            yield form_row("Time zone", Input("UTC", placeholder="an IANA name such as UTC or Europe/Berlin",
                                              id="new-tz", compact=True))
            if self.agenda_errors:
                yield Static("\n".join(f"⚠ {error}" for error in self.agenda_errors), id="new-agenda-errors",
                             markup=False)
            yield Label("", id="new-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", id="new-create", variant="primary", compact=True)
                yield Button("Cancel", id="new-cancel", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#new-title", Input).focus()

    async def action_create(self) -> None:
        """Create the meeting file; a refusal stays in the form on one line.

        Whether to include the follow-up phases depends on every earlier
        meeting's action items: that scan runs on a thread, not the UI's loop.
        """
        if self._creating:
            return
        agenda = str(self.query_one("#new-agenda", Select).value)
        self._creating = True
        try:
            incident = new_incident(
                self.query_one("#new-title", Input).value,
                severity=str(self.query_one("#new-severity", Select).value),
                services=self.query_one("#new-services", Input).value,
                tz=self.query_one("#new-tz", Input).value,
            )
            follow_ups = await asyncio.to_thread(has_open_actions, self.data_dir)
            session = MeetingSession.create(self.data_dir, incident, agenda, follow_ups=follow_ups, now=self.app.now)
        except (ValidationError, AgendaError, StoreError) as exc:
            self._error(str(exc))
            return
        except OSError as exc:
            self._error(f"cannot create the meeting in {self.data_dir}: {exc.strerror or exc}")
            return
        finally:
            self._creating = False
        session.close()
        self.dismiss(session.meeting.id)

    def _error(self, message: str) -> None:
        error = self.query_one("#new-error", Label)
        error.update(f"✗ {message}")
        error.add_class("-shown")

    @on(Input.Submitted)
    async def _submitted(self) -> None:
        await self.action_create()

    @on(Button.Pressed, "#new-create")
    async def _create_pressed(self) -> None:
        await self.action_create()

    @on(Button.Pressed, "#new-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)
