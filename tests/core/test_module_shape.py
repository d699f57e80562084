"""Imports stand at the top of a module, and modules stay small (issue 20, point 8).

A module of these packages imports what it uses at its top. An import inside a function is
allowed only when its line says why (a comment: the lazy loading of a heavy library only one
command needs); an import cycle brought back then fails the second test, which imports each
module first, alone, in a fresh interpreter.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = [ROOT / "core" / "cli.py", ROOT / "core" / "scaffold.py", ROOT / "core" / "member_import.py",
           *sorted((ROOT / "plugins" / "directory").glob("*.py")), *sorted((ROOT / "plugins" / "groups").glob("*.py"))]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _local_imports(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom) and "#" not in lines[node.lineno - 1]:
                    found.append((node.lineno, lines[node.lineno - 1].strip()))
    return found


def test_no_function_local_import_without_a_reason():
    unexplained = {f"{path.relative_to(ROOT)}:{line}": text for path in CHECKED for line, text in _local_imports(path)}
    assert unexplained == {}, "import these at the module's top, or say on the line why the import is lazy"


def test_each_module_imports_alone_first():
    """Each module imported before any other module of the project: a cycle fails with ImportError."""
    script = """
import importlib, json, sys
failed = {}
for name in json.loads(sys.argv[1]):
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("core", "plugins")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""
    names = [_module(path) for path in CHECKED if path.name != "__init__.py"]
    result = subprocess.run([sys.executable, "-c", script, json.dumps(names)], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {}


def test_modules_stay_about_400_lines():
    """Issue 20, point 8: modules under about 400 lines (450 is the ceiling): a larger one is split by concept."""
    sources = [p for folder in ("core", "plugins") for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts]
    long = {str(p.relative_to(ROOT)): n for p in sources if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def _is_hookimpl(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")) == "hookimpl":
            return True
    return False


def test_site_parameters_are_annotated():
    """Issue 20, point 8: a ``site`` parameter says what it is (``SiteRuntime``, or ``str`` for a site id).

    Hook implementations stay unannotated, as pluggy passes them the arguments they name (the scaffold's
    name check calls them with ``site=None``); migrations are left as they were written.
    """
    sources = [p for folder in ("core", "plugins") for p in (ROOT / folder).rglob("*.py")
               if "migrations" not in p.parts and "tests" not in p.parts]
    bare = []
    for path in sources:
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) and not _is_hookimpl(function):
                arguments = function.args
                if any(a.arg == "site" and a.annotation is None
                       for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]):
                    bare.append(f"{path.relative_to(ROOT)}:{function.lineno} {function.name}")
    assert bare == [], "annotate these site parameters (site: SiteRuntime, under `if TYPE_CHECKING:`)"
