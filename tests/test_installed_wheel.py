"""README command 1 as a user runs it: ``pip install .`` (a non-editable wheel), then ``pmtui demo`` in a terminal.

The suite itself runs from an editable install, where the package data (the
shipped agendas) and the console script come from the checkout; only a built
wheel shows whether they are packaged. The wheel is built once per run and
installed with ``--no-deps`` into a fresh venv whose ``.pth`` file reuses this
environment's packages (textual, click, ...), without activating this
environment's editable ``pmtui``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from pty_terminal import Terminal

ROOT = Path(__file__).resolve().parents[1]
DEMO_TITLE = "Checkout errors"  # the demo meeting's title, as far as it shows in 80 columns

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="this platform has no pseudo-terminals")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """pmtui built as a wheel from this checkout (hatchling from the test environment, no download)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    [built] = out.glob("pmtui-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A venv with the wheel installed; its ``bin`` folder."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test_environment.pth").write_text("".join(f"{path}\n" for path in sorted(ours)))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return home / "bin"


def environment(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PMTUI_DATA_DIR", "NO_COLOR")}
    return {**env, "PMTUI_CONFIG_DIR": str(tmp_path / "config"), "TMPDIR": str(tmp_path)}


def test_the_wheel_brings_the_package_its_agendas_and_the_console_script(installed, tmp_path):
    where = subprocess.run(
        [installed / "python", "-c", "import pmtui, pmtui.agenda; print(pmtui.__file__); "
                                     "print(pmtui.agenda.builtin_agenda_dir())"],
        env=environment(tmp_path), cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split()
    package, agendas = (Path(p).resolve() for p in where)
    assert package.is_relative_to(installed.parent.resolve()), package  # the wheel's pmtui, not the checkout's
    assert agendas == package.parent / "agendas" and agendas.is_dir()  # shipped inside the package
    listed = subprocess.run([installed / "pmtui", "agendas"], env=environment(tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr
    assert listed.stdout.startswith(("async-review-45", "near-miss-30", "standard-90"))
    assert "standard-90" in listed.stdout


def test_the_wheel_ships_the_browser_page(wheel):
    """The room serves its page from the package: its four files are in the wheel, as in the checkout."""
    with zipfile.ZipFile(wheel) as built:
        for name in ("index.html", "app.js", "app.css", "favicon.svg"):
            assert built.read(f"pmtui/room/web/{name}") == (ROOT / "src/pmtui/room/web" / name).read_bytes(), name


def test_pmtui_demo_from_the_wheel_opens_the_demo_meeting_and_quits_on_ctrl_q(installed, tmp_path):
    terminal = Terminal([str(installed / "pmtui"), "demo"], environment(tmp_path), size=(80, 24), cwd=tmp_path)
    try:
        terminal.wait_for(DEMO_TITLE, timeout=20)
        assert terminal.quit() == 0, terminal.text()[-600:]
    finally:
        terminal.close()
    assert "Traceback" not in terminal.text()
    assert "pmtui:" not in terminal.text()  # no one-line error either
