"""Helper process for tests/test_store.py.

Usage: store_writer.py MODE PATH, where MODE is
  write  open the meeting for writing, print "ready", then add events one by
         one, printing the number of events after each save returns;
  hold   open the meeting for writing, print "ready", then wait to be killed;
  try    try to open the meeting for writing; print "ok" or "locked: <message>";
  serve  for each line "write" read, fork a writer (as ``write`` does, its pid printed first), wait until it
         is killed and print "reaped": many writers for one start-up of Python and these imports.
"""

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from pmtui.model import Meeting, TimelineEvent, from_data, to_data
from pmtui.store import MeetingFile, MeetingLockedError


def main(mode: str, path: Path) -> int:
    if mode == "try":
        try:
            MeetingFile.open(path, write=True).close()
        except MeetingLockedError as exc:
            print(f"locked: {exc}", flush=True)
            return 3
        print("ok", flush=True)
        return 0
    file = MeetingFile.open(path, write=True)
    print("ready", flush=True)
    if mode == "hold":
        time.sleep(60)
        return 0
    meeting = from_data(Meeting, file.load())
    while True:
        n = len(meeting.events) + 1
        meeting.events.append(TimelineEvent(time=datetime.now(UTC), description=f"event {n}"))
        file.save(to_data(meeting))
        print(n, flush=True)


def serve(path: Path) -> int:
    for line in sys.stdin:
        assert line.strip() == "write", line
        writer = os.fork()
        if writer == 0:
            print(os.getpid(), flush=True)
            os._exit(main("write", path))
        os.waitpid(writer, 0)
        print("reaped", flush=True)  # after all the writer printed: it is dead
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        sys.exit(serve(Path(sys.argv[2])))
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
