"""Narrative sections: writing a section back as safe Markdown, against markdown-it-py rendering it to HTML.

Usage: python benchmarks/narrative.py [--reps 5]

Each case is a section of 200,000 characters (the most a section holds): prose in paragraphs, a list-heavy
section, and two a parser finds hard (200,000 ``[`` and 20,000 lines of inline tags). The figure is
``render_narrative(text)`` over ``MarkdownIt("commonmark", {"html": False}).render(text)`` for the same
text: what writing the parse back as Markdown costs beyond parsing it, which the export cannot avoid.
Medians of ``--reps`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

from markdown_it import MarkdownIt

from pmtui.export.narrative import render_narrative

TARGET = 3.0
LIMIT = 200_000
PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
CASES = {
    "prose": "\n\n".join(f"Part {n}. " + "The standby fell behind; the restore took eighteen hours. " * 6
                         for n in range(700))[:LIMIT],
    "lists": "\n".join(f"- item {n} with *emphasis* and `code`\n  1. nested {n}" for n in range(5000))[:LIMIT],
    "brackets": "[" * LIMIT,
    "tags": ("<b>x</b> <script>alert(1)</script>\n" * 6000)[:LIMIT],
}


def median_seconds(call, reps: int) -> float:
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report(reps: int = 5) -> list[tuple[str, float, str, bool | None]]:
    """Print the figures; returns (name, value, target, passed or None) per case."""
    print(f"Narrative section of {LIMIT:,} characters, {reps} runs each (ms, medians)")
    results = []
    for name, text in CASES.items():
        ours = median_seconds(lambda text=text: render_narrative(text), reps)
        html = median_seconds(lambda text=text: PARSER.render(text), reps)
        ratio = ours / html
        passed = ratio <= TARGET
        print(f"  {name:<9} render_narrative {ours * 1000:8.1f}   markdown-it to HTML {html * 1000:8.1f}   "
              f"{ratio:.2f}x (target <= {TARGET:g}x) {'PASS' if passed else 'MISS'}")
        results.append((f"narrative {name}, 200k chars (ratio to markdown-it HTML)", ratio, f"<= {TARGET:g}x",
                        passed))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    report(parser.parse_args().reps)


if __name__ == "__main__":
    main()
