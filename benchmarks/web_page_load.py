"""The browser note-taker's page in Chromium: load -> first keystroke accepted, and three real pages in a room.

Run:  python benchmarks/web_page_load.py [--runs 20] [--entries 10]

Needs Chromium (Debian's ``chromium``, or ``PMTUI_CHROMIUM``) and Playwright's Python package (the test
extra). The facilitator (benchmarks/facilitator.py) serves the room's page from its own process; the
baseline is a blank page with one ``<input autofocus>``, served by a bare aiohttp server in a process of
its own too, measured in the same run.

1. Load -> first keystroke accepted, over ``--runs`` loads, each in a fresh browser context (no cache,
   a returning note-taker: their name is in localStorage, as after their first visit), typing "x" again
   and again from the moment the navigation commits, as someone who types the instant the link opens
   (keys before the field takes them are lost). The figure is the page's own clock (ms from its
   navigation's start) at the first ``input`` event; also when the field got the focus, and when the
   room said "connected". Target: < 300 ms.
2. Three real pages in one room (three browser contexts: three people): each joins by the name form,
   then they take turns typing ``--entries`` lines each. For every Enter, times taken in the pages
   themselves (a keydown listener and a MutationObserver; every page of one browser shares the clock):
   to the line gone from the sender's pending list (the room's ack: stored on disk) and to its row in
   the two other pages' timelines (in the DOM).
3. Memory: the proportional (PSS: shared pages split between processes) and private size of the renderer
   process each page gets (found by keeping the page busy for 300 ms and seeing whose CPU time grows),
   the baseline page's beside them, against the 58 MB per person that `pmtui serve` (textual-serve: one
   pmtui process per person, on the facilitator's machine) cost; and the facilitator's own resident size
   before and after the three joined.

This is a script that prints numbers, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from facilitator import Facilitator

LOAD_TARGET_MS = 300.0
TEXTUAL_SERVE_MB = 58.0
BASELINE_PAGE = "<!doctype html><html lang=en><title>baseline</title><input autofocus aria-label=x>"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
FIRST_INPUT = """window.__firstInput = null; window.__focused = null;
document.addEventListener("input", () => { if (window.__firstInput === null) window.__firstInput = performance.now(); },
                          true);
document.addEventListener("focusin", () => { if (window.__focused === null) window.__focused = performance.now(); },
                          true);"""
"""The page's own clock (ms from its navigation's start) at its first ``input`` event and its first focus."""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(ms: list[float]) -> str:
    if not ms:
        return "n=0"
    return (f"median {statistics.median(ms):6.1f} ms   p95 {percentile(ms, 95):6.1f} ms   "
            f"max {max(ms):6.1f} ms   (n={len(ms)})")


# --- the baseline's server, in its own process --------------------------------------------------------------


async def serve_baseline() -> None:
    from aiohttp import web

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=BASELINE_PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(json.dumps({"port": runner.addresses[0][1]}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.read()  # until the benchmark closes stdin
    await runner.cleanup()


async def baseline_server() -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(sys.executable, __file__, "--baseline-server",
                                                   stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    port = json.loads(await asyncio.wait_for(process.stdout.readline(), 30))["port"]
    return process, f"http://127.0.0.1:{port}/"


# --- 1. load -> first keystroke ----------------------------------------------------------------------------


async def keep_typing(page) -> None:
    """Press "x" again and again, as someone typing the moment they open the link, until one lands."""
    while True:
        await page.keyboard.press("x")
        try:
            if await page.evaluate("() => window.__firstInput !== null"):
                return
        except PlaywrightError:  # the document is being replaced: keep typing
            pass


async def first_keystroke(browser, url: str, field: str, identity: str | None) -> tuple[float, float, float | None]:
    """One load, typing from the start: ms from navigation to (the first character in ``field``, its focus,
    the room's "connected" or None)."""
    context = await browser.new_context()
    try:
        if identity is not None:
            await context.add_init_script(
                f"localStorage.setItem('pmtui.identity', JSON.stringify({{name: {identity!r}}}));")
        await context.add_init_script(FIRST_INPUT)
        page = await context.new_page()
        await page.goto(url, wait_until="commit")
        await asyncio.wait_for(keep_typing(page), 30)
        typed, focused = await page.evaluate("() => [window.__firstInput, window.__focused]")
        assert await page.evaluate(f"() => document.activeElement.matches({field!r})")
        assert "x" in await page.evaluate(f"() => document.querySelector({field!r}).value")
        connected = None
        if identity is not None:
            await page.wait_for_selector("#status[data-state=connected]", timeout=30_000)
            connected = await page.evaluate("() => performance.now()")  # an upper bound: when the wait returned
        return typed, focused, connected
    finally:
        await context.close()


async def load_times(browser, room: Facilitator, baseline_url: str, runs: int) -> list[float]:
    link = f"{room.url}/#t={room.token}"
    await first_keystroke(browser, baseline_url, "input", None)  # warm the browser once, both pages
    await first_keystroke(browser, link, "#entry", "warm-up")
    base, base_focus, page, page_focus, connected = [], [], [], [], []
    for n in range(runs):
        typed, focused, _ = await first_keystroke(browser, baseline_url, "input", None)
        base.append(typed)
        base_focus.append(focused)
        typed, focused, joined = await first_keystroke(browser, link, "#entry", f"loader{n}")
        page.append(typed)
        page_focus.append(focused)
        connected.append(joined)
    print(f"\n  1. load -> first keystroke accepted, {runs} loads each (fresh context; typing from the start; "
          f"ms from navigation start)")
    print(f"    baseline <input autofocus>, first character in it : {summary(base)}")
    print(f"    baseline, the field focused                       : {summary(base_focus)}")
    print(f"    the room's page, first character in #entry        : {summary(page)}")
    print(f"    the room's page, #entry focused                   : {summary(page_focus)}")
    print(f"    the room's page, -> 'connected'                   : {summary(connected)}")
    ratio = statistics.median(page) / statistics.median(base)
    print(f"    page / baseline (median): x{ratio:.2f}; p95 {percentile(page, 95):.0f} ms -> "
          f"{'PASS' if percentile(page, 95) < LOAD_TARGET_MS else 'MISS'} (< {LOAD_TARGET_MS:.0f} ms)")
    return page


# --- 2. three real pages in one room -------------------------------------------------------------------------


MARKS = """window.__marks = {enter: {}, stored: {}, shown: {}};
const __now = () => performance.timeOrigin + performance.now();  // the same clock in every page of the browser
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.id === "entry") window.__marks.enter[event.target.value.slice(6)] = __now();
}, true);
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => {
    const at = __now();
    const marks = window.__marks;
    const pending = document.getElementById("pending").textContent;
    for (const row of document.querySelectorAll("#timeline-body tr")) {
      const text = (row.textContent.match(/page\\d+ line \\d+/) || [])[0];
      if (text && !(text in marks.shown)) marks.shown[text] = at;
    }
    for (const text of Object.keys(marks.enter)) {
      if (!(text in marks.stored) && !pending.includes(text)) marks.stored[text] = at;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
});"""
"""Time stamps taken in the pages themselves (no DevTools round trip): Enter in the entry field, the line gone
from the sender's pending list (the room's ack: stored), and its row in each page's timeline (in the DOM)."""


async def join(browser, link: str, name: str, *, marks: bool = False):
    context = await browser.new_context()
    if marks:
        await context.add_init_script(MARKS)
    page = await context.new_page()
    await page.goto(link)
    await page.locator("#name-input").fill(name)
    await page.locator("#name-input").press("Enter")
    await page.wait_for_selector("#status[data-state=connected]", timeout=30_000)
    return context, page


async def enter_and_wait(sender, others, text: str) -> tuple[float, list[float]]:
    """(ms from Enter to stored, as the sender's page sees it; ms to the line in each other page)."""
    field = sender.locator("#entry")
    await field.fill(f"15:00 {text}")
    await field.press("Enter")
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline:
        own = await sender.evaluate("(text) => window.__marks", text)
        seen = [await page.evaluate("(text) => window.__marks.shown[text] ?? null", text) for page in others]
        if text in own["stored"] and text in own["shown"] and None not in seen:
            entered = own["enter"][text]
            return own["stored"][text] - entered, [at - entered for at in seen]
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{text!r} was not stored and shown in every page within 30 s")


async def three_pages(browser, room: Facilitator, entries: int) -> list[object]:
    link = f"{room.url}/#t={room.token}"
    before = (await room.ask("rss"))["rss_kib"]
    people = []
    for name in ("ana", "ben", "cy"):
        people.append(await join(browser, link, name, marks=True))
    after = (await room.ask("rss"))["rss_kib"]
    pages = [page for _, page in people]
    stored, seen = [], []
    await room.ask("lag")
    for n in range(entries):
        for i, sender in enumerate(pages):
            own, others = await enter_and_wait(sender, pages[:i] + pages[i + 1:], f"page{i} line {n}")
            stored.append(own)
            seen.extend(others)
    lag = (await room.ask("lag"))["lag"]
    print(f"\n  2. three real pages in one room, {entries} lines each, taking turns (times taken in the pages)")
    print(f"    Enter -> stored (gone from the sender's pending list) : {summary(stored)}")
    print(f"    Enter -> in each other page's timeline                : {summary(seen)}")
    print(f"    facilitator loop, 10 ms ticker lateness               : {summary([v * 1000 for v in lag])}")
    print(f"    facilitator resident: {kib_mib(before)} before the three joined, {kib_mib(after)} after")
    return people


# --- 3. memory ---------------------------------------------------------------------------------------------------


def kib_mib(kib: int | None) -> str:
    return "n/a" if kib is None else f"{kib / 1024:.1f} MiB"


def smaps_kib(pid: int) -> tuple[int, int]:
    """(PSS, private) KiB of process ``pid``: shared pages split among their users, and its own pages alone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    fields = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.endswith("kB")}
    return fields.get("Pss", 0), fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)


def chromium_processes() -> dict[int, bytes]:
    """The Chromium processes started under this one (through Playwright's driver): pid -> command line."""
    parents, commands = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(more)
        mine |= more
    return {pid: commands[pid] for pid in mine if b"chrom" in commands.get(pid, b"").split(b"\0")[0]}


def renderers() -> set[int]:
    return {pid for pid, command in chromium_processes().items() if b"--type=renderer" in command}


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


async def opened(label: str, opening) -> tuple[object, tuple[float, float]]:
    """Open a page with ``opening()`` (returning (context, page)); print and return its renderer's (PSS, private) MiB.

    A new browser context starts three renderers here (the page's, and others Chromium keeps for what comes
    next). The page's is found by making the page busy for 300 ms: the renderer whose CPU time grows.
    """
    before = renderers()
    context, page = await opening()
    await asyncio.sleep(1.0)  # settle
    new = renderers() - before
    ticks = {pid: cpu_ticks(pid) for pid in new}
    await page.evaluate("() => { const end = performance.now() + 300; while (performance.now() < end); }")
    own = max(new, key=lambda pid: cpu_ticks(pid) - ticks[pid])
    sizes = {pid: smaps_kib(pid) for pid in new}
    pss, private = (kib / 1024 for kib in sizes[own])
    others = sum(sizes[pid][0] for pid in new if pid != own) / 1024
    print(f"    {label:38s}: its renderer PSS {pss:6.1f} MiB, private {private:6.1f} MiB "
          f"(+{len(new) - 1} more renderers, PSS {others:.1f} MiB)")
    return context, (pss, private)


async def memory(browser, room: Facilitator, baseline_url: str) -> None:
    if not Path("/proc/self/smaps_rollup").exists():
        print("\n  3. memory: skipped, /proc is not available here")
        return
    print("\n  3. memory on the note-taker's side: each page in its own browser context, after it loaded/joined")

    async def open_baseline():
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(baseline_url)
        return context, page

    contexts = []
    context, base = await opened("the baseline <input autofocus> page", open_baseline)
    contexts.append(context)
    link = f"{room.url}/#t={room.token}"
    pages = []
    for name in ("dee", "eli", "fox"):
        context, figures = await opened(f"the room's page, joined as {name}",
                                             lambda name=name: join(browser, link, name))
        contexts.append(context)
        pages.append(figures)
    for context in contexts:
        await context.close()
    pss = statistics.mean(p[0] for p in pages)
    private = statistics.mean(p[1] for p in pages)
    print(f"    the room's page: PSS {pss:.1f} MiB (x{pss / base[0]:.2f} the baseline's), private {private:.1f} MiB "
          f"(x{private / base[1]:.2f}); textual-serve cost {TEXTUAL_SERVE_MB:.0f} MB per person on the "
          f"facilitator's machine: now {pss / TEXTUAL_SERVE_MB:.2f}x that on the person's own device, and "
          f"nothing on the facilitator's")


async def main(args: argparse.Namespace) -> None:

    chromium = os.environ.get("PMTUI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("web page benchmark: skipped, no Chromium here (install Debian's chromium or set PMTUI_CHROMIUM)")
        return
    room = Facilitator(args.seed_events)
    await room.start()
    server, baseline_url = await baseline_server()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            print(f"pmtui web page benchmark: {browser.version} headless, {args.seed_events} events in the meeting, "
                  f"facilitator and baseline server in their own processes, {os.cpu_count()} CPUs")
            try:
                await load_times(browser, room, baseline_url, args.runs)
                people = await three_pages(browser, room, args.entries)
                for context, _ in people:
                    await context.close()
                await memory(browser, room, baseline_url)
            finally:
                await browser.close()
    finally:
        server.stdin.close()
        await server.wait()
        await room.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="page loads measured (and as many of the baseline)")
    parser.add_argument("--entries", type=int, default=10, help="lines each of the three pages types")
    parser.add_argument("--seed-events", type=int, default=200, help="events already in the meeting")
    parser.add_argument("--baseline-server", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    asyncio.run(serve_baseline() if arguments.baseline_server else main(arguments))
