"""``pmtui export --format html|confluence``: the same -o, --force and --parents rules as every export."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from test_cli import env, fails, filled, new, ok, pmtui  # noqa: F401 (fixtures and helpers)

WRAPPER = ('<page xmlns:ac="http://www.atlassian.com/schema/confluence/4/ac/" '
           'xmlns:ri="http://www.atlassian.com/schema/confluence/4/ri/">{}</page>')


def test_html_to_stdout_and_to_a_file(env, data, filled, tmp_path):
    page = ok(pmtui(env, "export", filled, "--format", "html", data_dir=data))
    assert page.startswith("<!doctype html>") and "<title>Post-mortem: DB outage</title>" in page
    assert "pager fires" in page and "<script" not in page
    out = tmp_path / "pm.html"
    assert str(out) in ok(pmtui(env, "export", filled, "--format", "html", "-o", out, data_dir=data))
    assert out.read_text() == page
    with_minutes = ok(pmtui(env, "export", filled, "--format", "html", "--minutes", data_dir=data))
    assert "Meeting minutes: DB outage" in with_minutes and "Meeting minutes" not in page


def test_confluence_to_a_file_is_well_formed(env, data, filled, tmp_path):
    out = tmp_path / "new" / "pm.confluence.xml"
    ok(pmtui(env, "export", filled, "--format", "confluence", "-o", out, "--parents", data_dir=data))
    page = ET.fromstring(WRAPPER.format(out.read_text()))
    assert page[0].tag == "h1" and page[0].text.startswith("DB outage")
    assert "pager fires" in "".join(page.itertext())


def test_the_output_rules_hold_for_the_new_formats(env, data, filled, tmp_path):
    out = tmp_path / "pm.html"
    out.write_text("mine")
    line = fails(pmtui(env, "export", filled, "--format", "html", "-o", out, data_dir=data))
    assert "already exists" in line and "--force" in line and out.read_text() == "mine"
    ok(pmtui(env, "export", filled, "--format", "html", "-o", out, "--force", data_dir=data))
    assert out.read_text().startswith("<!doctype html>")
    line = fails(pmtui(env, "export", filled, "--format", "confluence", "-o", tmp_path / "no" / "pm.xml",
                       data_dir=data))
    assert "--parents" in line
    line = fails(pmtui(env, "export", filled, "--format", "confluence", "-o", data / "pm.xml", data_dir=data))
    assert "inside the meetings folder" in line


def test_an_unknown_format_is_one_line(env, data, filled):
    done = pmtui(env, "export", filled, "--format", "pdf", data_dir=data)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "'pdf' is not one of" in done.stderr and "html" in done.stderr and "confluence" in done.stderr


def test_without_format_the_output_file_s_extension_chooses_it(env, data, filled, tmp_path):
    for name, starts in (("pm.html", "<!doctype html>"), ("pm.HTM", "<!doctype html>"), ("pm.json", "{"),
                         ("pm.md", "# DB outage"), ("pm.markdown", "# DB outage"), ("pm.txt", "# DB outage"),
                         ("pm.confluence.xml", "# DB outage")):
        out = tmp_path / name
        ok(pmtui(env, "export", filled, "-o", out, data_dir=data))
        assert out.read_text().startswith(starts), name
    assert ok(pmtui(env, "export", filled, data_dir=data)).startswith("# DB outage"), "stdout stays Markdown"


def test_a_format_the_file_s_extension_contradicts_is_refused(env, data, filled, tmp_path):
    for fmt, name, named in (("markdown", "x.html", "html"), ("html", "x.json", "json"), ("json", "x.md", "markdown"),
                             ("confluence", "x.htm", "html")):
        out = tmp_path / name
        line = fails(pmtui(env, "export", filled, "--format", fmt, "-o", out, data_dir=data))
        assert f"--format {fmt}" in line and name in line and named in line, line
        assert not out.exists()
    ok(pmtui(env, "export", filled, "--format", "confluence", "-o", tmp_path / "x.xml", data_dir=data))
    ok(pmtui(env, "export", filled, "--format", "html", "-o", tmp_path / "x.HTML", data_dir=data))



def test_minutes_and_checklist_go_only_with_a_document_format(env, data, filled, tmp_path):
    """The JSON holds the whole meeting and the CSV and script only action items: --minutes is refused, not dropped."""
    for flag in ("--minutes", "--with-checklist"):
        for fmt in ("json", "actions-csv", "github"):
            line = fails(pmtui(env, "export", filled, "--format", fmt, flag, data_dir=data))
            assert flag in line and f"--format {fmt}" in line and "markdown, html or confluence" in line, line
        line = fails(pmtui(env, "export", filled, flag, "-o", tmp_path / "pm.json", data_dir=data))
        assert flag in line and "json" in line
        assert not (tmp_path / "pm.json").exists()
    page = ok(pmtui(env, "export", filled, "--format", "confluence", "--minutes", data_dir=data))
    assert "Meeting minutes: DB outage" in page, "confluence carries the minutes"
