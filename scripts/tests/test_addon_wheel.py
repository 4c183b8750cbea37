"""The addon installs with pip like OCA's: after_sales_service/pyproject.toml
builds the wheel odoo-addon-after_sales_service with whool, and the wheel
holds everything Odoo loads from the addon.

whool packs the files git tracks: a new file that was never `git add`-ed is
missing from the wheel, and this test names it.
"""

import ast
import email.parser
import fnmatch
import pathlib
import re
import subprocess
import sys
import zipfile

import pytest
from manifestoo_core.core_addons import is_core_addon
from manifestoo_core.odoo_series import OdooSeries

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDON = ROOT / "after_sales_service"
PREFIX = "odoo/addons/after_sales_service/"
MANIFEST = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel, built as `make wheel` builds it (pinned whool, no download)."""
    outdir = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir), str(ADDON)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = outdir.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        yield path, archive


def _names(archive):
    return set(archive.namelist())


def _metadata(archive):
    (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
    return email.parser.HeaderParser().parsestr(archive.read(name).decode())


def test_name_and_version_come_from_the_manifest(wheel):
    path, archive = wheel
    metadata = _metadata(archive)
    assert metadata["Name"] == "odoo-addon-after_sales_service"
    # whool adds the number of commits since the manifest's version was set.
    version = metadata["Version"]
    assert re.fullmatch(re.escape(MANIFEST["version"]) + r"(\.\d+)?", version), version
    assert version.startswith("18.0.")
    assert path.name == f"odoo_addon_after_sales_service-{version}-py3-none-any.whl"


def test_dependencies_come_from_depends(wheel):
    _path, archive = wheel
    requires = sorted(_metadata(archive).get_all("Requires-Dist"))
    # Odoo's own addons come with Odoo; other addons are packages of their own.
    expected = ["odoo==18.0.*"] + [
        f"odoo-addon-{name}==18.0.*"
        for name in MANIFEST["depends"]
        if not is_core_addon(name, OdooSeries.v18_0)
    ]
    assert requires == sorted(expected)


def test_metadata_carries_summary_license_and_readme(wheel):
    _path, archive = wheel
    metadata = _metadata(archive)
    assert metadata["Summary"] == MANIFEST["summary"]
    assert metadata["License"] == MANIFEST["license"]
    assert metadata["Author"] == MANIFEST["author"]
    assert metadata["Description-Content-Type"] == "text/x-rst"
    assert metadata.get_payload().strip() == (ADDON / "README.rst").read_text(encoding="utf-8").strip()
    assert "Framework :: Odoo :: 18.0" in metadata.get_all("Classifier")


def test_wheel_holds_what_the_manifest_loads(wheel):
    _path, archive = wheel
    names = _names(archive)
    expected = ["__init__.py", "__manifest__.py", "README.rst", *MANIFEST["data"], *MANIFEST["demo"]]
    missing = [f for f in expected if PREFIX + f not in names]
    assert not missing, f"not in the wheel (not tracked by git?): {missing}"
    for bundle, globs in MANIFEST.get("assets", {}).items():
        for glob in globs:
            assert fnmatch.filter(names, "odoo/addons/" + glob), f"{bundle}: nothing matches {glob}"


def test_wheel_holds_static_i18n_security_and_readme(wheel):
    _path, archive = wheel
    names = _names(archive)
    for folder in ("static", "i18n", "security", "readme", "data", "demo", "report", "views", "wizard"):
        on_disk = {
            f"{PREFIX}{p.relative_to(ADDON).as_posix()}"
            for p in (ADDON / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert on_disk, folder
        missing = sorted(on_disk - names)
        assert not missing, f"{folder}: not in the wheel (not tracked by git?): {missing}"
    assert PREFIX + "static/description/icon.png" in names
    assert PREFIX + "i18n/after_sales_service.pot" in names


def test_every_imported_python_module_is_in_the_wheel(wheel):
    """`from . import x` in each package of the addon finds x in the wheel."""
    _path, archive = wheel
    names = _names(archive)
    missing = []
    for init in sorted(n for n in names if n.startswith(PREFIX) and n.endswith("/__init__.py")):
        package = init[: -len("__init__.py")]
        for node in ast.walk(ast.parse(archive.read(init))):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None:
                for alias in node.names:
                    if (
                        f"{package}{alias.name}.py" not in names
                        and f"{package}{alias.name}/__init__.py" not in names
                    ):
                        missing.append(f"{package}{alias.name}")
    assert not missing, f"imported but not in the wheel (not tracked by git?): {missing}"


def test_no_build_leftovers_in_the_wheel(wheel):
    _path, archive = wheel
    junk = [n for n in archive.namelist() if "__pycache__" in n or n.endswith((".pyc", ".orig", ".rej"))]
    assert not junk
    (top_level,) = [n for n in archive.namelist() if n.endswith(".dist-info/top_level.txt")]
    assert archive.read(top_level).decode().strip() == "odoo"
