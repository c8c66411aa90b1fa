"""The floors of the house (docs/architecture.md): every import of every module of the
project, read with ``ast``, points down or sideways, never up.

- the ground, ``mentoring``, imports no app (its settings and root URLconf excepted:
  they are the only places that name every app);
- the apps import one way: ``schemes`` <- ``matching`` <- ``agreements`` <- ``sessions``;
- the roof, ``dashboard``, may import every app, and nothing imports it;
- each app's objects are loaded for a person by its own ``permissions.py``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first: a module may import its own floor and those below it.
FLOORS = [
    "mentoring",
    "schemes",
    "matching",
    "agreements",
    "sessions",
    "privacy",
    "dashboard",
]
LEVEL = {app: level for level, app in enumerate(FLOORS)}

# The only modules that name every app: they wire the house together.
WIRING = {"mentoring/urls.py"}
WIRING_FOLDERS = ("mentoring/settings/",)


def _modules() -> list[Path]:
    return sorted(path for app in FLOORS for path in (ROOT / app).rglob("*.py"))


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module named by an import statement, anywhere in the file (a function-level
    import counts as much as one at the top), with its line."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
    return names


def _broken_floors(source: str, relative: str) -> list[str]:
    """The imports of one module that break the floors, as "file:line imports name"."""
    own = relative.split("/", 1)[0]
    if relative in WIRING or relative.startswith(WIRING_FOLDERS):
        return []
    broken = []
    for line, name in _imported(ast.parse(source)):
        target = name.split(".", 1)[0]
        if target in LEVEL and LEVEL[target] > LEVEL[own]:
            broken.append(f"{relative}:{line} imports {name} ({own} may not import {target})")
    return broken


def test_every_app_floor_is_in_the_walk():
    assert {path.relative_to(ROOT).parts[0] for path in _modules()} == set(FLOORS)


def test_no_module_imports_a_floor_above_its_own():
    broken = []
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        broken += _broken_floors(path.read_text(encoding="utf-8"), relative)
    assert not broken, "Imports against the floors:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("mentoring/emails.py", "from schemes.models import Scheme\n"),
        ("schemes/selectors.py", "def f():\n    import matching.models\n"),
        ("matching/views/runs.py", "from dashboard.views import home\n"),
        ("sessions/models.py", "from dashboard import views\n"),
    ],
)
def test_the_walk_names_an_import_that_reaches_up(relative, source):
    (broken,) = _broken_floors(source, relative)
    assert broken.startswith(f"{relative}:")


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        ("matching/pool.py", "from schemes.models import Scheme\nimport mentoring.models\n"),
        ("dashboard/views.py", "from sessions import models\nfrom matching import selectors\n"),
        ("mentoring/urls.py", "from dashboard import views\n"),
        ("schemes/models.py", "from django.db import models\nimport numpy\n"),
    ],
)
def test_the_walk_lets_imports_that_point_down_through(relative, source):
    assert _broken_floors(source, relative) == []


def test_object_loaders_live_in_the_apps_permissions_modules():
    """Views reach objects through a ``permissions.py`` loader, never by defining their
    own: no view module defines a ``get_*_for_user`` or ``get_scheme_*`` helper."""
    misplaced = []
    for path in _modules():
        relative = path.relative_to(ROOT).as_posix()
        if "/views" not in relative and not relative.endswith("views.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and (
                node.name.startswith("get_scheme_") or node.name.endswith("_for_user")
            ):
                misplaced.append(f"{relative}:{node.lineno} defines {node.name}")
    assert not misplaced, "\n".join(misplaced)


def test_the_apps_templates_never_name_the_roofs_pages():
    """A lower app's page links to the roof through what the roof hands it (``nav``,
    ``Scheme.get_absolute_url``), never by the roof's URL names."""
    templates = ROOT / "templates"
    naming = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in FLOORS[1:-1]
        for path in sorted((templates / app).rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "'dashboard:" in line or '"dashboard:' in line
    ]
    assert not naming, "\n".join(naming)
