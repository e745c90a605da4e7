"""The layout's rules (docs/architecture.md), checked on the code itself, so they cannot drift:

- one way down: cad < premises < units < calls < records; a module imports only its own layer and
  the layers below it, at the top of the module or inside a function;
- imports inside functions are for registering an app's parts in AppConfig.ready(), nothing else;
- services and selectors never reach into an api/ package (events modules build the payloads);
- the running system never imports demo or bench code: only management commands and other demo
  and bench modules do.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["cad", "premises", "units", "calls", "records"]


def modules() -> list[tuple[str, Path, ast.Module]]:
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found.append((name, path, ast.parse(path.read_text(), filename=str(path))))
    return found


def imports(tree: ast.Module) -> list[tuple[str, int, str | None]]:
    """(module imported, line, the function it is imported in or None)."""
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, child.lineno, function))
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            visit(child, inner)

    visit(tree, None)
    return found


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def test_every_import_points_down_the_layers():
    upward = [
        f"{where(path, line)} imports {target}"
        for name, path, tree in modules()
        for target, line, _ in imports(tree)
        if target.split(".")[0] in LAYERS
        and LAYERS.index(target.split(".")[0]) > LAYERS.index(name.split(".")[0])
    ]
    assert upward == []


def test_cad_names_no_app_above_it_in_an_import():
    # The issue's own check: grep -rnE "^\s*(from|import) (calls|units|premises|records)" cad/
    found = [
        f"{path}:{n}" for path in (ROOT / "cad").rglob("*.py") if "migrations" not in path.parts
        for n, text in enumerate(path.read_text().splitlines(), 1)
        if text.lstrip().startswith(("from ", "import ")) and text.split()[1].split(".")[0] in LAYERS[1:]
    ]
    assert found == []


def test_imports_inside_functions_only_register_an_apps_parts_when_it_is_ready():
    hidden = [
        f"{where(path, line)} imports {target} inside {function}()"
        for name, path, tree in modules()
        for target, line, function in imports(tree)
        if function is not None and not (path.name == "apps.py" and function == "ready")
    ]
    assert hidden == []


def test_services_and_selectors_never_reach_into_the_api():
    reached = [
        f"{where(path, line)} imports {target}"
        for name, path, tree in modules()
        if {"services", "selectors"} & set(name.split("."))
        for target, line, _ in imports(tree)
        if ".api" in f".{target}" and target.split(".")[0] in LAYERS
    ]
    assert reached == []


def test_the_running_system_never_imports_demo_or_bench_code():
    def is_tooling(name: str) -> bool:
        parts = name.split(".")
        return parts[-1] in ("demo", "bench") or "commands" in parts

    leaked = [
        f"{where(path, line)} imports {target}"
        for name, path, tree in modules() if not is_tooling(name)
        for target, line, _ in imports(tree)
        if target.split(".")[0] in LAYERS and target.split(".")[-1] in ("demo", "bench")
    ]
    assert leaked == []


def test_the_rules_see_the_code():
    """The checks above read every app's modules (a rule over no files cannot fail)."""
    names = {name for name, _, _ in modules()}
    assert {"cad.consumers", "calls.services.dispatch", "units.services.status", "premises.selectors.lookup",
            "calls.api.views.calls", "units.api.views", "calls.demo", "cad.bench"} <= names, names
    assert any(function == "ready" for name, _, tree in modules() if name == "calls.apps"
               for _, _, function in imports(tree))
