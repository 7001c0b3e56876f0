"""The folders import one way: each module imports only its own folder and the layers below it, and no two folders
(sub-packages and root modules included) import each other, even through a third."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "zendesk_escalator"
NAME = PACKAGE.name

# Lowest first. A unit is a top-level folder or root module of the package; it imports units of lower layers only
# (never one of its own layer). schemas/ and ids.py are one unit (the schemas of what comes in), settings.py and
# settings_values.py another (the service's settings).
LAYERS: list[tuple[str, set[str]]] = [
    ("foundation: the pure core, the error types, the version", {"core", "errors", "__init__"}),
    ("formats: settings, webhook signatures, schemas of what comes in", {"settings", "signature", "schemas"}),
    ("adapters: the database, Zendesk, chat", {"store", "zendesk", "chat"}),
    ("the write verbs; observability", {"actions", "observability"}),
    ("the worker", {"worker"}),
    ("operator commands and endpoints; webhooks", {"ops", "webhooks"}),
    ("composition", {"wiring"}),
    (
        "entry points: the web app, gunicorn's configuration, the command's arguments",
        {"app", "gunicorn_conf", "cli_arguments"},
    ),
    ("the command line", {"cli"}),
]
SAME_UNIT = {"ids": "schemas", "settings_values": "settings"}
LEFT_OUT = {"migrations"}  # Alembic's scripts, loaded by Alembic


def module_name(path: Path) -> str:
    parts = [NAME, *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not LEFT_OUT & set(path.relative_to(PACKAGE).parts)
    }


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """The package's modules `name` imports (relative imports resolved; `from x import y` is x.y when y is a
    module), with their line numbers."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.append((target if target in known else source, node.lineno))
    return [(target, line) for target, line in found if target == NAME or target.startswith(NAME + ".")]


def unit(module: str) -> str:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return SAME_UNIT.get(top, top)


def layer_of(name: str) -> int:
    return next(n for n, (_, units) in enumerate(LAYERS) if name in units)


def folder(module: str, packages: set[str]) -> str:
    """The folder (package) a module sits in, itself for a package's __init__; a root module counts as its own."""
    if module in packages:
        return module
    parent = module.rsplit(".", 1)[0]
    return module if parent == NAME else parent


def test_every_unit_has_a_layer():
    assert len(modules()) > 150  # the walk really found the package, sub-packages included
    declared = set().union(*(units for _, units in LAYERS))
    assert {unit(name) for name in modules()} - declared == set(), "give each new folder or root module a layer"


def test_no_module_imports_its_layer_or_above():
    known = set(modules())
    offences = []
    for name, path in modules().items():
        own = unit(name)
        for target, line in imports(name, path, known):
            other = unit(target)
            if other != own and layer_of(other) >= layer_of(own):
                offences.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}: {own} "
                    f"({LAYERS[layer_of(own)][0]}) may not import {other} ({LAYERS[layer_of(other)][0]})"
                )
    assert offences == [], "imports against the layer order:\n" + "\n".join(offences)


def test_no_cycle_between_folders():
    known = set(modules())
    packages = {name for name, path in modules().items() if path.name == "__init__.py"}
    graph: dict[str, dict[str, str]] = {}  # folder -> {folder it imports: one import that does it}
    for name, path in modules().items():
        own = folder(name, packages)
        for target, line in imports(name, path, known):
            other = folder(target, packages) if target in known else target
            if other != own:
                graph.setdefault(own, {}).setdefault(
                    other, f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
                )
    cycles, named = [], set()
    for start in sorted(graph):
        path = find_path(graph, start, start)
        if path and frozenset(path) not in named:  # one cycle is named once, from its first folder
            named.add(frozenset(path))
            cycles.append(" -> ".join(path) + "\n    " + "\n    ".join(graph[a][b] for a, b in zip(path, path[1:])))
    assert cycles == [], "folders that import each other:\n" + "\n".join(cycles)


def find_path(graph: dict[str, dict[str, str]], start: str, goal: str) -> list[str] | None:
    """A path of imports from `start` back to `goal` (depth first), or None."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, {})):
            if nxt == goal:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None
