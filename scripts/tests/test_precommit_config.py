""".pre-commit-config.yaml runs the checks of `make lint` at the versions of
requirements-dev.txt: one list of pins, one list of checks."""

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _hooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def _requirements():
    """The lines of requirements-dev.txt without comments."""
    lines = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def _pins():
    return {name.lower(): version for name, version in (line.split("==") for line in _requirements())}


def _lint_commands():
    """The tools run_lint (scripts/lib.sh) calls, from the .venv-tools bin."""
    text = (ROOT / "scripts" / "lib.sh").read_text(encoding="utf-8")
    body = text[text.index("run_lint() {") :]
    body = body[: body.index("\n}\n")]
    return re.findall(r'"\$TOOLS/([\w-]+)"((?: [^&\\\n]+)?)', body)


def test_every_requirement_is_pinned():
    for line in _requirements():
        assert re.fullmatch(r"[\w.-]+==[\w.]+", line), line


def test_hooks_use_the_versions_of_requirements_dev():
    pins = _pins()
    for hook in _hooks():
        for dependency in hook.get("additional_dependencies", []):
            name, _, version = dependency.partition("==")
            assert version, f"{hook['id']}: {dependency} is not pinned"
            assert (
                pins.get(name.lower()) == version
            ), f"{hook['id']}: {dependency}, requirements-dev.txt: {pins}"


def test_hooks_run_the_checks_of_make_lint():
    entries = [hook["entry"] for hook in _hooks()]
    commands = _lint_commands()
    assert len(commands) == 5, commands
    for tool, args in commands:
        # The files make lint names ("." and the i18n glob), pre-commit gives
        # to the hooks that take files.
        kept = [arg for arg in args.split() if arg != "." and not arg.endswith("*.po*")]
        command = " ".join([tool, *kept])
        assert any(
            entry == command or entry.startswith(command + " ") for entry in entries
        ), f"make lint runs `{tool}{args}`; no pre-commit hook does: {entries}"


def test_the_readme_check_of_make_test_is_a_hook():
    assert any("gen_addon_readme.py after_sales_service --check" in hook["entry"] for hook in _hooks())
