"""after_sales_client builds into a wheel with its package, its `after-sales`
command and its README as description, and nothing of its tests."""

import email.parser
import pathlib
import shutil
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_client_wheel(tmp_path):
    # A copy: setuptools writes build/ and *.egg-info beside the sources.
    source = tmp_path / "after_sales_client"
    shutil.copytree(ROOT / "after_sales_client", source, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        modules = {n.split("/", 1)[1] for n in names if n.startswith("after_sales_client/")}
        assert modules == {p.name for p in (ROOT / "after_sales_client" / "after_sales_client").glob("*.py")}
        assert not [n for n in names if "tests/" in n or "fake_odoo" in n]
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "after-sales = after_sales_client.cli:main" in archive.read(entry_points).decode()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.HeaderParser().parsestr(archive.read(metadata_name).decode())
    assert metadata["Name"] == "after-sales-client"
    assert metadata["Requires-Python"] == ">=3.10"
    assert not metadata.get_all("Requires-Dist")  # standard library only
    readme = (ROOT / "after_sales_client" / "README.md").read_text(encoding="utf-8")
    assert metadata.get_payload().strip() == readme.strip()
