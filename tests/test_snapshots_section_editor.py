"""The section editor at 80x24 (the text; f2: the preview in its place) and at 160x45 (the preview beside it)."""

from __future__ import annotations

import pytest

from helpers import FixedClock
from pmtui.model import Incident
from pmtui.session import MeetingSession
from pmtui.tui.editor_app import make_editor_app

NARRATIVE = """\
## Monday evening

At 17:20 UTC the **secondary** database stopped replicating: its WAL segments had been removed on the primary.

- 18:00 an engineer starts `pg_basebackup` on the secondary
- 23:00 the data directory of the *wrong* host is removed

```sql
SELECT pg_is_in_recovery();
```

> Nobody noticed the backups were empty: their failure e-mails were rejected.
"""


@pytest.mark.parametrize("size, keys", [((80, 24), ()), ((80, 24), ("f2",)), ((160, 45), ())],
                         ids=["80x24", "80x24-preview", "160x45"])
def test_section_editor(snap_compare, tmp_path, size, keys):
    session = MeetingSession.create(tmp_path, Incident("Database outage", impact_start=None), now=FixedClock())
    session.set_section("narrative", NARRATIVE)
    session.close()
    app = make_editor_app(tmp_path, session.meeting.id, "narrative", now=FixedClock())

    async def steady(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        if hasattr(pilot.app.focused, "cursor_blink"):
            pilot.app.focused.cursor_blink = False

    try:
        assert snap_compare(app, terminal_size=size, run_before=steady)
    finally:
        app.close_session()
