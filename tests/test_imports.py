"""The package's layout keeps the pipeline's order: no import circles, no stage importing a later one.

Walks every module's imports with `ast` (at the top of a module, inside functions and under
TYPE_CHECKING alike), so a circle or an arrow back up fails here before it fails at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

# The stages in pipeline order: a subpackage, or a module at the top of the package. A module
# may import from its own stage and from earlier ones only.
STAGES = ("errors", "urls", "content", "read", "dataset", "check", "pages", "export", "build",
          "incremental", "mkdocs", "authoring", "cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The modules of the package that the module at `path` imports."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            # `from . import urls` imports a module; `from .urls import page_path` a name of one
            names = [f"{module}.{alias.name}" for alias in node.names]
            modules = [n for n in names if n in MODULES]
            found.update(modules or [module])
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in MODULES and m != name}


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


def stage(module: str) -> str:
    return module.split(".")[1] if module != "generator" else "generator"


def test_every_module_belongs_to_a_stage():
    assert {stage(m) for m in MODULES} - {"generator"} <= set(STAGES)


def test_no_stage_imports_a_later_one():
    order = {name: i for i, name in enumerate(STAGES)}
    upward = [f"{module} imports {imported}" for module, found in GRAPH.items() for imported in sorted(found)
              if module != "generator" and order[stage(imported)] > order[stage(module)]]
    assert upward == []


def test_no_import_circles():
    circles = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            circles.append(" -> ".join(trail[trail.index(module):] + [module]))
            return
        if module in done:
            return
        for imported in sorted(GRAPH[module]):
            visit(imported, trail + [module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    assert circles == []


def test_the_walk_sees_imports_of_every_form():
    """The walk itself: relative, absolute, of a module and of a name, inside a function."""
    assert "generator.read.parse" in GRAPH["generator.read.cache"]  # `from . import parse`-style and names
    assert "generator.urls" in GRAPH["generator.pages.search"]  # `from .. import urls`
    assert "generator.incremental.state" in GRAPH["generator.incremental.update"]
