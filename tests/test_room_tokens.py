"""Token hygiene: where a join token comes from, how strong it must be, where it is kept and who sees it.

Also the old browser route: ``pmtui serve`` only says, in one line, how browsers join now.
"""

from __future__ import annotations

import os
import stat

import click
import pytest
from click.testing import CliRunner

from helpers import FixedClock
from pmtui.cli import main
from pmtui.cli.room import room_config, share_options
from pmtui.room.config import RoomConfig
from pmtui.room.tokens import MIN_TOKEN_LENGTH, new_token, stored_token
from pmtui.session import MeetingSession
from pmtui.tui.app import make_app
from pmtui.tui.widgets.room_status import REVEAL_SECONDS, RoomStatus
from test_room_support import TOKEN, new_meeting, room  # noqa: F401 (fixture)


def sharing(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, RoomConfig | None]:
    """``pmtui run``'s sharing options as click reads them: exit code, output, and the RoomConfig."""
    seen = {}

    @click.command()
    @share_options
    def run(**options):
        seen["config"] = room_config(**options)

    result = CliRunner().invoke(run, ["--share", *args], env={"PMTUI_TOKEN": "", **(env or {})})
    return result.exit_code, result.output, seen.get("config")


def test_pmtui_serve_starts_nothing_and_says_how_browsers_join_now_in_one_line():
    for args in (["serve"], ["serve", "--host", "0.0.0.0", "--port", "8000"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "pmtui run MEETING --share" in lines[0] and "Copy join link" in lines[0]
    assert "serve" not in CliRunner().invoke(main, ["--help"]).output  # not offered any more


def test_a_short_token_is_refused_unless_weak_tokens_are_asked_for():
    code, output, config = sharing("--token", "a")
    assert code == 2 and config is None
    assert len(output.strip().splitlines()) == 1 and f"at least {MIN_TOKEN_LENGTH}" in output
    code, output, config = sharing("--token", "a" * (MIN_TOKEN_LENGTH - 1))
    assert code == 2
    code, output, config = sharing("--token", "a", "--weak-token")
    assert code == 0 and config.token == "a"
    code, output, _ = sharing(env={"PMTUI_TOKEN": "short"})
    assert code == 2 and "$PMTUI_TOKEN is 5 characters" in output
    assert len(new_token()) >= 22 and new_token() != new_token()  # 128 random bits


def test_the_token_from_a_file_or_the_environment_trimmed_on_both_sides(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(f"\n  {TOKEN}  \n")
    assert sharing("--token-file", str(token_file))[2].token == TOKEN
    assert sharing(env={"PMTUI_TOKEN": f" {TOKEN}\t"})[2].token == TOKEN
    assert sharing("--token", f" {TOKEN} ")[2].token == TOKEN
    assert sharing("--token-file", str(token_file), env={"PMTUI_TOKEN": "other-token-0123456789"})[2].token == TOKEN
    for args, says in ((["--token-file", str(tmp_path / "missing")], "no such file"),
                       (["--token-file", str(token_file), "--token", TOKEN], "not both"),
                       (["--token", "two words here, long enough"], "spaces"),
                       (["--token", TOKEN, "--new-token"], "--new-token makes a random token")):
        code, output, _ = sharing(*args)
        assert code == 2 and says in output and len(output.strip().splitlines()) == 1, output


def test_an_open_host_without_tls_warns_in_one_line_and_tls_needs_both_files(tmp_path):
    code, output, _ = sharing("--host", "0.0.0.0")
    assert code == 0 and output.count("\n") == 1 and "plain text" in output
    assert sharing("--host", "127.0.0.1")[1] == "" and sharing("--host", "localhost")[1] == ""
    code, output, _ = sharing("--tls-cert", str(tmp_path / "cert.pem"))
    assert code == 2 and "go together" in output
    code, output, _ = sharing("--tls-cert", str(tmp_path / "cert.pem"), "--tls-key", str(tmp_path / "key.pem"))
    assert code == 2 and "no such file" in output and len(output.strip().splitlines()) == 1


def test_the_room_limits_from_the_option(tmp_path):
    code, _, config = sharing("--room-limit", "max_connections=7", "--room-limit", "auth_timeout=0.5")
    assert code == 0 and (config.limits.max_connections, config.limits.auth_timeout) == (7, 0.5)
    code, output, _ = sharing("--room-limit", "nonsense=1")
    assert code == 2 and "unknown room limit" in output


def test_a_meeting_keeps_its_token_across_restarts_until_rotated(tmp_path, user_folders):
    meeting_id = new_meeting(tmp_path)
    session = MeetingSession.open(tmp_path, meeting_id)
    try:
        first = RoomConfig(port=0).server(session).token
        assert RoomConfig(port=0).server(session).token == first  # the facilitator restarted
        path = user_folders.rooms / f"{meeting_id}.token"
        assert path.read_text().strip() == first
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
            assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert first not in session.file.path.read_text()  # never in the meeting file
        rotated = RoomConfig(port=0, new_token=True).server(session)
        assert rotated.token != first and stored_token(meeting_id) == rotated.token
        assert rotated.rotate_token() is None and stored_token(meeting_id) == rotated.token
        assert RoomConfig(port=0, token=TOKEN).server(session).token == TOKEN  # given: used, and kept
        assert RoomConfig(port=0).server(session).token == TOKEN
    finally:
        session.close()


async def test_the_join_command_on_the_shared_screen_hides_the_token_until_asked(tmp_path):
    meeting_id = new_meeting(tmp_path)
    app = make_app(tmp_path, meeting_id, room=RoomConfig(port=0, token="it's a 'quoted' token!"))
    async with app.run_test(size=(160, 48)) as pilot:
        status = app.screen.query_one("#room-status", RoomStatus)
        clock = FixedClock(100.0)
        status.clock = clock
        await pilot.pause()
        server = app.room_server
        text = status.render_text().plain
        assert "quoted" not in text and "PMTUI_TOKEN=•••••••• \\\npmtui join \\\n" + server.url in text
        assert [c.title for c in app.screen.commands() if "join" in c.title.lower()] == \
            ["Show join token", "Copy join link", "Copy join command", "New join token"]

        status.reveal_token()
        assert "PMTUI_TOKEN='it'\"'\"'s a '\"'\"'quoted'\"'\"' token!'" in status.render_text().plain  # shlex.quote
        clock.advance(REVEAL_SECONDS - 1)
        assert "quoted" in status.render_text().plain
        clock.advance(1)
        assert "quoted" not in status.render_text().plain  # hidden again after 30 s

        status.copy_join_command()
        assert app.clipboard == server.join_command(reveal=True) and "quoted" in app.clipboard
        assert "quoted" not in status.render_text().plain

        old = server.token
        status.new_token()
        assert server.token != old and old not in server.join_command(reveal=True)
    app.close_session()


@pytest.mark.parametrize("source", ["file", "env", "option"])
async def test_join_takes_the_token_from_a_file_the_environment_or_the_option(source, room, tmp_path):
    from test_room_cli import PMTUI, run_cli

    token_file = tmp_path / "token"
    token_file.write_text("  wrong-but-long-enough-token  \n")
    args = {"file": ["--token-file", str(token_file)], "env": [], "option": ["--token", " wrong-but-long-enough "]}
    env = {"PMTUI_TOKEN": " wrong-from-env " if source == "env" else ""}
    code, out, err = await run_cli(PMTUI, "join", room.url, "--name", "x", *args[source], env=env)
    assert code == 2 and "refused the token" in err  # the token was read and it went on to knock


async def test_an_address_locked_out_for_wrong_tokens_is_shown_to_the_facilitator(tmp_path):
    from test_room_door import handshake

    meeting_id = new_meeting(tmp_path)
    app = make_app(tmp_path, meeting_id, room=RoomConfig(port=0, token=TOKEN))
    async with app.run_test(size=(160, 48)) as pilot:
        status = app.screen.query_one("#room-status", RoomStatus)
        server = app.room_server
        clock = FixedClock(100.0)
        server.failures.clock = clock
        for attempt in range(10):
            assert await handshake(server, token=f"guess-{attempt:02d}-0123456789", source="127.0.0.9") == 401
        await pilot.pause()
        assert any("127.0.0.9: 10 wrong join tokens" in n.message for n in app._notifications)
        status.show()
        assert "127.0.0.9 locked out" in status.render_text().plain
        clock.advance(61)
        status.show()
        assert "locked out" not in status.render_text().plain
    app.close_session()
