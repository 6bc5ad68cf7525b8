"""The shape of the house: the app-level import graph has no cycle, the core imports no domain
app, and no runtime module or function grows past what a reader takes in at once.

Every import counts, including those inside functions; tests, migrations, management commands
(seed data) and the bench are left out, as they stand outside the apps' layers.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "tests", "migrations", "node_modules", "static", "templates", "var", "bench"}
# The core: settings, roles and predicates, base mixins, the outbox, the audit log.
CORE = {"codesign", "audit", "outbox"}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _apps() -> set[str]:
    return {
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").is_file() and path.name not in SKIPPED
    }


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIPPED or "management" in parts:
            continue
        yield path


def _graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    apps = _apps()
    edges: dict[str, set[str]] = {app: set() for app in apps}
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app in apps:
        for path in _modules(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    other = name.split(".")[0]
                    if other in apps and other != app:
                        edges[app].add(other)
                        where[(app, other)].append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return edges, where


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(edges[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == app:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for app in sorted(edges):
        if app not in index:
            visit(app)
    return found


def _layers(edges: dict[str, set[str]]) -> list[list[str]]:
    """The apps in layers, each importing only apps of the layers before it."""
    placed: set[str] = set()
    layers = []
    while len(placed) < len(edges):
        layer = sorted(app for app in edges if app not in placed and edges[app] <= placed)
        if not layer:
            break
        layers.append(layer)
        placed.update(layer)
    return layers


def test_the_app_import_graph_has_no_cycle():
    edges, where = _graph()
    cycles = _cycles(edges)
    detail = [
        f"{a} -> {b}: {', '.join(where[(a, b)][:3])}"
        for cycle in cycles
        for a in cycle
        for b in sorted(edges[a] & set(cycle))
    ]
    print("Layers, lowest first:")
    for number, layer in enumerate(_layers(edges)):
        print(f"  {number}: {', '.join(layer)}")
    assert not cycles, "import cycles:\n" + "\n".join(detail)


def test_the_core_imports_no_domain_app():
    edges, where = _graph()
    outward = {(app, other): where[(app, other)] for app in CORE for other in edges[app] - CORE}
    assert not outward, f"the core imports domain apps: {outward}"


def test_the_cycle_finder_finds_a_cycle():
    # The check above would pass on a finder that finds nothing.
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_runtime_module_or_function_is_too_long():
    too_long = []
    for app in _apps():
        for path in _modules(app):
            source = path.read_text(encoding="utf-8")
            name = path.relative_to(ROOT)
            lines = source.count("\n") + 1
            if lines > MAX_MODULE_LINES:
                too_long.append(f"{name}: {lines} lines")
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > MAX_FUNCTION_LINES:
                        too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert not too_long, "\n".join(sorted(too_long))
