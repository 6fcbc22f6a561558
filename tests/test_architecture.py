"""The shape of the code and of its tests: sizes, import circles, honest tests."""

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
MAX_MODULE_LINES = 400

# What makes a test able to fail besides a plain assert statement.
ASSERTING_CALLS = {"raises", "fail", "warns", "deprecated_call"}
ASSERTING_PREFIXES = ("django_assert_", "assert_")


def _name_of(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _asserts(node: ast.AST, helpers: set[str]) -> bool:
    """Return whether node holds an assertion or calls something that asserts."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert):
            return True
        if isinstance(inner, ast.Call):
            name = _name_of(inner)
            if (
                name in ASSERTING_CALLS
                or name.startswith(ASSERTING_PREFIXES)
                or name in helpers
            ):
                return True
    return False


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def asserting_helpers(trees: list[ast.AST]) -> set[str]:
    """Return the names of non-test functions that assert, directly or through
    another such helper (shared steps such as a sign-in that checks it worked)."""
    helpers: set[str] = set()
    candidates = [
        f for tree in trees for f in _functions(tree) if not f.name.startswith("test")
    ]
    while True:
        found = {f.name for f in candidates if _asserts(f, helpers)} - helpers
        if not found:
            return helpers
        helpers |= found


def silent_tests(sources: dict[str, str]) -> list[str]:
    """Return "module::test" for every test function that cannot fail."""
    trees = {name: ast.parse(text) for name, text in sources.items()}
    helpers = asserting_helpers(list(trees.values()))
    silent = []
    for name, tree in trees.items():
        if not Path(name).name.startswith("test_"):
            continue
        for function in _functions(tree):
            if function.name.startswith("test") and not _asserts(function, helpers):
                silent.append(f"{name}::{function.name}")
    return sorted(silent)


def test_every_test_can_fail():
    sources = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for path in TESTS.glob("*.py")
    }
    assert silent_tests(sources) == []


def test_the_check_names_a_test_without_assertion():
    sources = {
        "tests/helpers.py": "def check(x):\n    assert x\n",
        "tests/test_x.py": (
            "import pytest\n"
            "def test_asserts():\n    assert 1 + 1 == 2\n"
            "def test_only_looks(client):\n    client.get('/')\n"
            "def test_through_a_helper():\n    check(True)\n"
            "def test_refusal():\n    with pytest.raises(ValueError):\n        int('x')\n"
            "def test_budget(django_assert_max_num_queries):\n"
            "    with django_assert_max_num_queries(2):\n        pass\n"
            "class TestThings:\n    def test_nothing(self):\n        x = 1\n"
        ),
    }
    assert silent_tests(sources) == [
        "tests/test_x.py::test_nothing",
        "tests/test_x.py::test_only_looks",
    ]


def _python_modules():
    for package in ("articles", "newsroom", "accounts"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_400_lines_but_models():
    long = {
        str(path.relative_to(ROOT)): n
        for path in _python_modules()
        if path.name != "models.py"
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_articles_keeps_at_most_twelve_entries():
    entries = [p.name for p in (ROOT / "articles").iterdir() if p.name != "__pycache__"]
    assert len(entries) <= 12, sorted(entries)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def import_graph():
    # Every import counts, those inside functions too: a lazy import that hides a
    # circle is still a circle.
    return grimp.build_graph("articles", "newsroom", "accounts", cache_dir=None)


def test_no_import_circle(import_graph):
    assert _cycles(import_graph) == []


def test_the_circle_check_sees_a_circle(import_graph):
    import_graph.add_import(
        importer="articles.core.text", imported="articles.models", line_number=1,
        line_contents="import articles.models",
    )  # fmt: skip
    assert ["articles.core.text", "articles.models"] in _cycles(import_graph)
