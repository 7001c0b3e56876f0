"""The core is pure: it imports nothing that does I/O or belongs to an adapter."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "zendesk_escalator" / "core"
FORBIDDEN = {
    "flask",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "requests",
    "zenpy",
    "marshmallow",
    "gunicorn",
    "gevent",
    "socket",
    "sqlite3",
    "urllib",
    "http",
    "os",
    "subprocess",
    "threading",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            names.add("zendesk_escalator (outside core)")
    return names


def test_no_core_module_imports_an_adapter_or_io_library():
    offenders = {
        path.name: sorted(imported_modules(path) & (FORBIDDEN | {"zendesk_escalator (outside core)"}))
        for path in CORE.glob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) >= 8  # the check really looked at the core


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {sorted(FORBIDDEN)!r} if m in sys.modules))"
    return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())


def test_importing_the_core_loads_none_of_them():
    baseline = loaded_after("pass")  # what the interpreter itself loads (os, site hooks)
    core = "zendesk_escalator.core"
    modules = f"{core}.triggers, {core}.plan, {core}.hours, {core}.schedule_api, {core}.references, {core}.checklist"
    assert loaded_after(f"import {modules}") == baseline
