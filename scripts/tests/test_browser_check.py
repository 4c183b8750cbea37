"""`make test` refuses to run the Odoo tests when the browser tests would be skipped."""

import os
import pathlib
import shutil
import subprocess
import sys

LIB = pathlib.Path(__file__).parent.parent / "lib.sh"


def browser_check(tmp_path, with_browser, with_websocket):
    """Run browser_check with a PATH that holds only what the test gives it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sed", "basename", "dirname"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    if with_browser:
        fake = bin_dir / "chromium"
        fake.write_text("#!/bin/sh\nexit 0\n")
        fake.chmod(0o755)
    python = tmp_path / "odoo-python"
    # A stand-in for Odoo's Python that finds (or not) the websocket module.
    module_dir = tmp_path / "site"
    module_dir.mkdir()
    if with_websocket:
        (module_dir / "websocket.py").write_text("__version__ = '1.8.0'\n")
    python.write_text(f'#!/bin/sh\nPYTHONPATH="{module_dir}" exec "{sys.executable}" -S "$@"\n')
    python.chmod(0o755)
    script = f'source "{LIB}"; ODOO_PYTHON="{python}"; browser_check'
    env = {"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/")}
    return subprocess.run(
        [shutil.which("bash"), "-c", script], env=env, capture_output=True, text=True, check=False
    )


def test_all_present(tmp_path):
    result = browser_check(tmp_path, with_browser=True, with_websocket=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("browser tests can run: ")
    assert "websocket-client 1.8.0" in result.stdout


def test_missing_browser_and_websocket_named(tmp_path):
    result = browser_check(tmp_path, with_browser=False, with_websocket=False)
    assert result.returncode == 1
    assert "browser tests cannot run: missing Chromium (Debian: apt-get install chromium)" in result.stdout
    assert "websocket-client in Odoo's Python" in result.stdout
    assert "-m pip install websocket-client" in result.stdout


def test_missing_websocket_only(tmp_path):
    result = browser_check(tmp_path, with_browser=True, with_websocket=False)
    assert result.returncode == 1
    assert "Chromium" not in result.stdout
    assert "websocket-client" in result.stdout
