"""Imports run one way between Écoute's apps (docs/architecture.md draws it). Every module of
every app is read — imports inside functions included — and an import of a higher layer
fails with the file and line. A function-level import of the project's own code is refused
too (outside AppConfig.ready): it is how a circle between modules hides."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Lowest first. An app may import its own layer and those before it, never one after it.
LAYERS = [
    ("core", "platforms"),  # shared infrastructure: events, locks, backoff, text; one package per platform
    ("accounts",),          # people, roles, brands they may see
    ("listening",),         # brands, sources, mentions: fetch and store
    ("sla",),               # policies, business hours, the one SLA state
    ("complaints",),        # triage: classifier, priority, queue, crisis alerts, insights
    ("responses",),         # replies, canned responses, SLA alerts, response times, reports
    ("integrations",),      # outgoing webhooks
    ("api",),               # the REST API
    ("pipeline",),          # poll → store → classify → triage, the demo data
    ("benchmarks",),        # every benchmark and the `bench` command
    ("config",),            # settings, URLs, Celery app
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# Function-level imports of the project's code that are not about circles, with why.
LAZY_ON_PURPOSE = {
    # scikit-learn's training half is loaded only by the processes that train.
    ("complaints/classifier/lifecycle.py", "complaints.classifier.evaluation"),
    ("complaints/classifier/lifecycle.py", "complaints.classifier.pipeline"),
}


def _modules(root: Path):
    for app in RANK:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _imports(tree: ast.Module):
    """(node, imported module, inside a function, inside AppConfig.ready) for every import."""
    def walk(node, in_function: bool, in_ready: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child, alias.name, in_function, in_ready
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                yield child, child.module, in_function, in_ready
            is_function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            yield from walk(child, in_function or is_function,
                            in_ready or (is_function and child.name == "ready"))
    yield from walk(tree, False, False)


def _findings(root: Path = ROOT):
    upward, hidden = [], []
    for app, path in _modules(root):
        relative = path.relative_to(root).as_posix()
        for node, module, in_function, in_ready in _imports(ast.parse(path.read_text(), filename=relative)):
            target = module.split(".")[0]
            if target not in RANK:
                continue
            if RANK[target] > RANK[app]:
                upward.append(f"{relative}:{node.lineno}: {app} imports {module} (a higher layer)")
            if in_function and not in_ready and (relative, module) not in LAZY_ON_PURPOSE:
                hidden.append(f"{relative}:{node.lineno}: imports {module} inside a function")
    return upward, hidden


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"core", "platforms", "config"}
    assert apps <= set(RANK), f"apps with no layer in tests/test_layering.py: {sorted(apps - set(RANK))}"


def test_no_app_imports_a_layer_above_it():
    upward, _hidden = _findings()
    assert not upward, "Imports against the layering (docs/architecture.md):\n" + "\n".join(upward)


def test_no_function_level_import_of_our_code():
    _upward, hidden = _findings()
    assert not hidden, ("Move these imports to the top of the module; if that makes a circle, the concept "
                        "is in the wrong place:\n" + "\n".join(hidden))


def test_imports_sit_at_the_top_of_each_module():
    late = []
    for _app, path in _modules(ROOT):
        body = ast.parse(path.read_text()).body
        code_seen = False
        for index, node in enumerate(body):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if code_seen:
                    late.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
            elif not (index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) \
                    and not isinstance(node, ast.Try):  # a docstring; an optional module's try/except ImportError
                code_seen = True
    assert not late, "Imports after code (move them to the top):\n" + "\n".join(late)


def test_the_check_reports_an_upward_import_hidden_in_a_function(tmp_path):
    (tmp_path / "listening").mkdir()
    (tmp_path / "listening" / "ingestion.py").write_text(
        "from listening.models import Mention\n\n\ndef store():\n    from responses.services import x\n")
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "pipeline" / "apps.py").write_text("class C:\n    def ready(self):\n        from listening import steps\n")
    upward, hidden = _findings(tmp_path)
    assert upward == ["listening/ingestion.py:5: listening imports responses.services (a higher layer)"]
    assert hidden == ["listening/ingestion.py:5: imports responses.services inside a function"]
