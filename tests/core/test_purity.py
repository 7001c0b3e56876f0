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
    """Top-level names a core module imports; a relative import reaching above core/ counts as outside."""
    depth = len(path.relative_to(CORE).parts) - 1 if CORE in path.parents else 0  # 0 for core/x.py, 1 for core/sla/x.py
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.level > depth + 1:
            names.add("zendesk_escalator (outside core)")
    return names


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_no_core_module_imports_an_adapter_or_io_library():
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_modules(path) & (FORBIDDEN | {"zendesk_escalator (outside core)"}))
        for path in core_modules()
    }
    assert {name: found for name, found in offenders.items() if found} == {}
    assert len(offenders) >= 40  # the check really looked at the core, sub-packages included


def sub_package_imports() -> dict[str, set[str]]:
    """Which core sub-packages each sub-package imports (the root's vocabulary modules left out)."""
    graph: dict[str, set[str]] = {}
    for path in core_modules():
        parts = path.relative_to(CORE).parts
        if len(parts) < 2:
            continue
        own = parts[0]
        graph.setdefault(own, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 2 and node.module:
                target = node.module.split(".")[0]
                if (CORE / target).is_dir():
                    graph[own].add(target)
            elif isinstance(node, ast.ImportFrom) and node.level == 2 and not node.module:
                graph[own] |= {alias.name for alias in node.names if (CORE / alias.name).is_dir()}
    return graph


def test_root_modules_import_no_sub_package():
    """The root is the shared vocabulary: every sub-package may use it, so it uses none of them."""
    offenders = {}
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                if (CORE / node.module.split(".")[0]).is_dir():
                    offenders.setdefault(path.name, []).append(node.module)
    assert offenders == {}


def test_sub_packages_import_each_other_one_way():
    graph = sub_package_imports()
    assert len(graph) >= 6

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in graph.get(start, ()))

    cycles = sorted(f"{a} -> {b} -> … -> {a}" for a in graph for b in graph[a] if reaches(b, a, {b}))
    assert cycles == []


def loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(m for m in {sorted(FORBIDDEN)!r} if m in sys.modules))"
    return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())


def test_importing_the_core_loads_none_of_them():
    baseline = loaded_after("pass")  # what the interpreter itself loads (os, site hooks)
    modules = ", ".join(
        ("zendesk_escalator.core." + ".".join(path.relative_to(CORE).with_suffix("").parts)).removesuffix(".__init__")
        for path in core_modules()
    )
    assert loaded_after(f"import {modules}") == baseline
