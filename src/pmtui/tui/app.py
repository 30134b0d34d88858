"""The facilitator app and the factory the CLI and the tests share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from ..heap import release, settle
from ..model import Meeting, to_data
from ..room.config import RoomConfig
from ..session import MeetingSession
from ..store import SaveStatus, StoreError, write_rescue_copy
from .messages import ExportFinished, SaveStatusChanged
from .plain import PlainApp

SAVE_SETTLE = 0.02
"""Seconds between a change and its snapshot for the disk. The writer thread then holds the GIL for ~3.6 ms
(2,000 events); taken at once, the snapshot cost the loop 0.5 ms and the write held back the frame that shows
the change by ~2.7 ms (a third of it). 20 ms later that frame is on screen; a kill -9 in between loses only
that change (the keystroke in flight)."""

HIGH_CONTRAST = Theme(
    name="pmtui-high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ff00ff",
    warning="#ffaa00",
    error="#ff3030",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    dark=True,
)


class PmtuiApp(PlainApp):
    """The facilitator's app: a home screen, then the meeting screen."""

    CSS_PATH = "pmtui.tcss"
    TITLE = "pmtui"

    def __init__(
        self,
        data_dir: Path,
        *,
        now: Callable[[], float] = time.time,
        bell: bool = False,
        export_dir: Path | None = None,
        high_contrast: bool = False,
        room: RoomConfig | None = None,
        archives: Iterable[Path] = (),
    ) -> None:
        super().__init__()
        self.archives = list(archives)  # read besides the data dir on the home screen, read-only
        self.room_config = room
        self.room_server = None
        self.data_dir = data_dir
        self.now = now
        self.bell_enabled = bell
        self.export_dir = export_dir or Path.cwd()
        self.session: MeetingSession | None = None
        self._save_failing = False
        self._quit_warned = False
        self._quit_asked = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self.register_theme(HIGH_CONTRAST)
        if high_contrast:
            self.theme = HIGH_CONTRAST.name

    def open_session(self, ref: str) -> MeetingSession:
        """Open meeting ``ref`` as its one writer (raises StoreError and friends)."""
        self.session = MeetingSession.open(
            self.data_dir, ref, now=self.now, on_save_status=self._save_status_from_thread
        )
        return self.session

    async def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.session is not None:
            if self.room_config is not None:
                await self._start_room()
            self.show_meeting()
        else:
            from .screens.home import HomeScreen

            self.push_screen(HomeScreen(self.data_dir, self.archives))

    def show_meeting(self) -> None:
        """Switch to the meeting screen of the open session."""
        from .screens.meeting import MeetingScreen

        self.session.defer_saves(self._save_later)
        self.push_screen(MeetingScreen(self.session, bell=self.bell_enabled))
        self.call_after_refresh(self._meeting_shown)

    def _save_later(self, snapshot: Callable[[], None]) -> None:
        self._loop.call_later(SAVE_SETTLE, snapshot)

    def _meeting_shown(self) -> None:
        """Once the meeting is on screen, before anyone types: the one-off work of a large meeting.

        The saver's form of every event and the hint scan of every text (80 and
        120 ms at 2,000 events) would otherwise stall the first change and the
        first visit to the timeline; then the heap is frozen (see heap.py).
        """
        from ..analysis.findings import meeting_findings

        self.session.prepare()
        meeting_findings(self.session.meeting)
        settle()

    def resume_meeting(self, ref: str) -> None:
        """Open ``ref`` from the home screen; a refusal is one line, not a crash."""
        try:
            self.open_session(ref)
        except (StoreError, ValueError) as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.show_meeting()

    def close_session(self) -> Path | None:
        """Save everything pending and release the meeting file.

        When the disk keeps failing, the meeting goes to a rescue copy instead
        (written before the lock is released) and its path is returned (raises
        StoreError when even that fails). A lock file left behind is in the
        session's ``release_problem``.
        """
        rescued: list[Path] = []

        def rescue(meeting: Meeting) -> None:
            rescued.append(write_rescue_copy(to_data(meeting)))

        if self.session is None or self.session.close(rescue):
            return None
        return rescued[0]

    async def action_quit(self) -> None:
        """Quit; while saving fails, only when asked twice (the meeting then goes to a rescue copy);
        with note-takers connected, only when confirmed (a stray ctrl+q would cut off the room)."""
        if self._save_failing and not self._quit_warned:
            self._quit_warned = True
            self.notify("The meeting is not saved: the disk is failing. Press ctrl+q again to quit "
                        "and keep a rescue copy, or wait for the disk.", severity="warning", timeout=10)
            return
        names = [peer.name for peer in self.room_server.peers if peer.name] if self.room_server else []
        if names and not self._quit_asked:  # asked already: ctrl+q again quits
            from .screens.dialogs import ConfirmDialog

            def answered(yes: bool | None) -> None:
                self._quit_asked = False
                if yes:
                    self.exit()

            self._quit_asked = True
            question = f"{len(names)} note-taker(s) connected: {', '.join(names)}. Quit and pause the room?"
            self.push_screen(ConfirmDialog(question, title="Quit?",
                                           detail="They are told it is paused; their typing waits."), answered)
            return
        self.exit()

    async def _start_room(self) -> None:
        from ..room.server import RoomError

        self.room_server = server = self.room_config.server(self.session)
        for alert in server.alerts:
            self._room_alert(alert)
        server.on_alert = self._room_alert
        try:
            await server.start()
        except RoomError as exc:
            self.notify(str(exc), severity="error", timeout=15)

    def _room_alert(self, text: str) -> None:
        """The room needs the facilitator's eye (an address locked out after wrong tokens, plain text)."""
        self.notify(text, title="Room", severity="warning", timeout=10)

    async def on_unmount(self) -> None:
        if self.room_server is not None:
            await self.room_server.stop()
        self._loop = None
        release()

    # --- saving status from the writer thread --------------------------------

    def _save_status_from_thread(self, status: SaveStatus) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(self._deliver_status, status)
        except RuntimeError:
            pass

    def _deliver_status(self, status: SaveStatus) -> None:
        self._save_failing = not status.ok
        self._quit_warned = self._quit_warned and not status.ok
        self.screen.post_message(SaveStatusChanged(status))

    # --- export --------------------------------------------------------------

    def export_markdown(self) -> None:
        """Write the post-mortem and the minutes, off the event loop."""
        if self.session is None:
            return
        self._export(self.session.snapshot())

    @work(thread=True, exit_on_error=False, group="export")
    def _export(self, meeting) -> None:
        from ..export.files import write_markdown_exports

        try:
            paths = write_markdown_exports(meeting, self.export_dir)
        except OSError as exc:
            message = ExportFinished(error=f"cannot write the export to {self.export_dir}: {exc.strerror or exc}")
        else:
            message = ExportFinished(paths=tuple(str(p) for p in paths))
        self.call_from_thread(self.post_message, message)

    def on_export_finished(self, message: ExportFinished) -> None:
        if message.error:
            self.notify(message.error, severity="error", timeout=10)
        else:
            self.notify("\n".join(message.paths), title="Exported", timeout=10)
        self.screen.post_message(message)

    # --- command palette -----------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("High-contrast theme", "Black background, bright colours, for projectors",
                            lambda: setattr(self, "theme", HIGH_CONTRAST.name))


def make_app(data_dir: Path, meeting_ref: str | None = None, **options: Any) -> PmtuiApp:
    """Build the facilitator app; with ``meeting_ref`` it opens that meeting first.

    ``options`` are :class:`PmtuiApp`'s keywords (``now``, ``bell``, ``export_dir``, ``high_contrast``, ``room``,
    ``archives``), passed on so that their list and defaults are written once. With ``room`` (``pmtui run --share``)
    note-takers can join the meeting live; ``archives`` are listed on the home screen besides the data dir, read-only.
    """
    app = PmtuiApp(data_dir, **options)
    if meeting_ref is not None:
        app.open_session(meeting_ref)
    return app
