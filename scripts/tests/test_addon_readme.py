"""The addon's README.rst is generated from its readme/*.md fragments, renders
as Odoo renders it, and no shipped file points outside the repository."""

import importlib.util
import io
import pathlib
import re

import pytest
from docutils.core import publish_string

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDON = ROOT / "after_sales_service"
SPEC = importlib.util.spec_from_file_location("gen_addon_readme", ROOT / "scripts" / "gen_addon_readme.py")
gen = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(gen)


def render(rst):
    """HTML of ``rst``; any docutils warning fails (Odoo shows README.rst in
    Apps through docutils; OCA's generator checks with the same settings)."""
    return publish_string(
        rst,
        writer_name="html4css1",
        settings_overrides={
            "halt_level": 2,
            "report_level": 2,
            "file_insertion_enabled": False,
            "raw_enabled": False,
            "warning_stream": io.StringIO(),
        },
    ).decode()


def test_readme_rst_is_generated_from_the_fragments():
    expected = gen.generate(ADDON)
    actual = (ADDON / "README.rst").read_text(encoding="utf-8")
    assert actual == expected, "after_sales_service/README.rst is out of date: run `make readme`"


def test_check_mode_agrees():
    assert gen.main([str(ADDON), "--check"]) == 0


def test_readme_renders_without_warnings():
    html = render((ADDON / "README.rst").read_text(encoding="utf-8"))
    for title in ("Configuration", "Usage", "Known issues / Roadmap", "Credits", "Contributors"):
        assert f">{title}</a>" in html  # listed in the table of contents


def test_fragments_of_oca_are_there():
    for name in ("DESCRIPTION", "CONFIGURE", "USAGE", "ROADMAP", "CONTRIBUTORS"):
        assert (ADDON / "readme" / f"{name}.md").read_text(encoding="utf-8").strip(), name


def test_manifest_name_summary_and_license_are_used():
    manifest = gen.read_manifest(ADDON)
    text = gen.generate(ADDON)
    assert text.startswith(f"{'=' * len(manifest['name'])}\n{manifest['name']}\n")
    assert manifest["summary"] in text
    assert f"License: {manifest['license']}." in text


@pytest.mark.parametrize(
    ("markdown", "rst"),
    [
        ("Call `api_open` now.", "Call ``api_open`` now."),
        ("The `ref`s and (`id`).", "The ``ref``\\ s and (``id``)."),
        ("See [Odoo](https://www.odoo.com).", "See `Odoo <https://www.odoo.com>`__."),
        ("**bold** and *em*", "**bold** and *em*"),
    ],
)
def test_inline_markup(markdown, rst):
    assert gen.convert_inline(markdown) == rst


def test_lists_nest_and_number():
    markdown = "1. one\n   more\n1. two\n   - a\n   - b\n1. three\n\nText.\n"
    assert gen.convert_markdown(markdown, 2) == [
        "1. one",
        "   more",
        "2. two",
        "",
        "   - a",
        "   - b",
        "",
        "3. three",
        "",
        "Text.",
    ]
    render("\n".join(gen.convert_markdown(markdown, 2)))


def test_headings_and_code_blocks():
    markdown = "# Part\n\nRun:\n\n```sh\nmake test\n```\n"
    assert gen.convert_markdown(markdown, 2) == ["Part", "----", "", "Run:", "", "::", "", "    make test"]


@pytest.mark.parametrize(
    "markdown",
    [
        "| a | b |\n| c | d |\n",
        "| a | b |\n|---|---|\n| c |\n",
        "> quoted\n",
        "![shot](static/x.png)\n",
        "a <b>bold</b>\n",
        "see [there](../README.md)\n",
        "```\nnot closed\n",
    ],
)
def test_unsupported_markdown_is_refused(markdown):
    with pytest.raises(gen.FragmentError):
        gen.convert_markdown(markdown, 2)


def test_tables_become_list_tables():
    rst = gen.convert_markdown("| role | may |\n|---|---|\n| user | `read` |\n| manager | all |\n", 2)
    assert rst == [
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - role",
        "     - may",
        "   * - user",
        "     - ``read``",
        "   * - manager",
        "     - all",
    ]
    assert "<th" in render("\n".join(rst))


def _shipped_files():
    """Files that leave the repository: the addon (its wheel), the client (its
    wheel) and the repository's README."""
    suffixes = {".md", ".rst", ".py", ".xml", ".toml", ".csv", ".js", ".txt"}
    yield ROOT / "README.md"
    for folder in (ADDON, ROOT / "after_sales_client"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
                yield path


def test_no_shipped_file_points_outside_the_repository():
    outside = []
    for path in _shipped_files():
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(?:\.\./)+[\w.-][\w./-]*", text):
            target = (path.parent / match.group(0)).resolve()
            if ROOT not in target.parents and target != ROOT:
                outside.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"(?<![\w/])/work/[\w./-]+", text):
            outside.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not outside, "links to paths outside the repository:\n" + "\n".join(outside)
