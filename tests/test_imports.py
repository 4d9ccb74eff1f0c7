"""Every module imports on its own, with no circular import, and no module is over about 400 lines (issue 23).

A circular import shows only when the cycle is entered from the right module, so each
module is imported first among ours, in a fresh interpreter that forgets our modules
between one import and the next.  Third-party modules stay loaded: they cannot take part
in a cycle of ours, and importing Dagster, dbt and Streamlit afresh for each of our
modules would take minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accueil", "orchestration")
DASHBOARDS = ROOT / "dashboards"
# The dashboards' modules that are not pages (a page draws itself when imported): they are
# imported as Streamlit imports them, by name from the dashboards folder.
DASHBOARD_MODULES = ("shared", "signin", "server", "survey_section", "needs_section", "charts", "uploader")
MAX_LINES = 400
# Modules over MAX_LINES, each with its reason.  An entry that is no longer over the limit fails
# the test too, so the list only shrinks.
OVER_THE_LIMIT: dict[str, str] = {}

# Runs in the child: imports each module named on stdin with none of ours loaded, and prints
# {module: error} for those that fail.
_IMPORT_EACH = """
import importlib, json, sys
ours = tuple(sys.argv[1:])
failed = {}
for name in sys.stdin.read().split():
    for loaded in [m for m in sys.modules if m.split(".")[0] in ours]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException as exc:  # an import that exits or is interrupted is a failure too
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def _python_files() -> list[Path]:
    roots = [ROOT / package for package in PACKAGES] + [DASHBOARDS]
    return sorted(p for root in roots for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _module_names() -> list[str]:
    names = []
    for path in _python_files():
        if path.is_relative_to(DASHBOARDS):
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_every_module_imports_on_its_own(tmp_path):
    from orchestration.build import prepare_manifest

    # The dbt assets read the manifest when their module is imported.
    prepare_manifest()
    names = _module_names()
    assert "accueil.cli" in names and "orchestration.definitions" in names
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ACCUEIL_HOME": str(tmp_path / "home"),
        "GX_ANALYTICS_ENABLED": "false",
        "PYTHONPATH": str(DASHBOARDS),
    }
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, *PACKAGES, *DASHBOARD_MODULES],
        input="\n".join([*names, *DASHBOARD_MODULES]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    failed = json.loads(result.stdout.strip().splitlines()[-1])
    circular = {name: error for name, error in failed.items() if "circular import" in error}
    assert not circular, f"circular imports: {circular}"
    assert not failed, f"modules that do not import on their own: {failed}"


def test_the_import_check_sees_a_circular_import(tmp_path):
    """The check above would say so: two modules that import each other's names fail it."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic.b import B\nA = 1\n")
    (package / "b.py").write_text("from cyclic.a import A\nB = 2\n")
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EACH, "cyclic"],
        input="cyclic.a\ncyclic.b",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        timeout=60,
    )
    failed = json.loads(result.stdout)
    assert set(failed) == {"cyclic.a", "cyclic.b"}
    assert all("circular import" in error for error in failed.values())


def test_no_module_is_over_400_lines():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in _python_files()}
    over = {path: lines for path, lines in sizes.items() if lines > MAX_LINES}
    assert set(over) - set(OVER_THE_LIMIT) == set(), f"split these modules (at most {MAX_LINES} lines): {over}"
    settled = sorted(path for path in OVER_THE_LIMIT if sizes.get(path, 0) <= MAX_LINES)
    assert not settled, f"no longer over {MAX_LINES} lines: remove from OVER_THE_LIMIT: {settled}"
