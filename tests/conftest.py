"""Suite-wide test configuration: the kind of every test, found from what it uses, never from a hand list.

Markers (registered in ``pyproject.toml``):

* ``browser`` — drives Chromium through Playwright (``e2e_support.open_browser`` / ``chromium_path``, or
  Playwright itself).  These tests start a server too; ``server`` is for the ones without a browser.
* ``apptest`` — runs a page in ``streamlit.testing.v1.AppTest``.
* ``server`` — starts a real server process (``e2e_support.streamlit_server``), no browser.

``make test-fast`` runs what is none of the three.  The kind is found statically at collection: from the test
function, the fixtures it requests and, transitively, every function or class of ``tests/`` they name (helpers
in ``auth_helpers``, ``upload_helpers``, ``e2e_support``…, nested functions, closures), looking for the objects
above by identity of module and name — so a test that reaches ``AppTest`` through ``auth_helpers.signed_in``
is an ``apptest`` even if its file never spells the word.  A test already marked by hand keeps its mark.

The classification is also CHECKED at run time, so it cannot rot quietly: a test that builds an ``AppTest``,
launches Playwright's driver, or starts ``scripts/serve.py`` / ``streamlit run`` without carrying the matching
marker FAILS with a message saying what to mark (the fast loop would otherwise stop being fast, or stop
running what it claims to run).

With pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``) tests that share a fixture of module scope
or wider — one Streamlit server for a module's browser tests, a workbook written once — are kept in one worker
(``xdist_group`` = their module), so the fixture is set up once and its files are never deleted under another
worker.  Everything else is spread test by test.
"""

from __future__ import annotations

import dis
import functools
import inspect
import os
import sys
import types
from collections.abc import Iterable
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent

KINDS = ("browser", "apptest", "server")

# What makes a test of each kind: (module prefix, name) of the objects it reaches.
_BROWSER = {("e2e_support", "open_browser"), ("e2e_support", "chromium_path"),
            ("playwright", "sync_playwright"), ("playwright", "async_playwright")}
_APPTEST = {("streamlit.testing", "AppTest")}
_SERVER = {("e2e_support", "streamlit_server"), ("e2e_support", "wait_healthy")}


def _ident(obj: object) -> tuple[str, str] | None:
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__name__", None)
    if not isinstance(module, str) or not isinstance(name, str):
        return None
    return module, name


def _matches(obj: object, rules: set[tuple[str, str]]) -> bool:
    try:
        ident = _ident(inspect.unwrap(obj) if callable(obj) else obj)
    except ValueError:  # a wrapper chain that loops (mocks)
        return False
    if ident is None:
        return False
    module, name = ident
    return any(name == rule_name and (module == prefix or module.startswith(prefix + "."))
               for prefix, rule_name in rules)


def _in_tests(obj: object) -> bool:
    try:
        source = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return False
    return source is not None and Path(source).resolve().is_relative_to(TESTS_DIR)


def _code_names(code: types.CodeType) -> set[str]:
    """Global and attribute names a code object (and the functions/classes nested in it) refers to."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _imported_inside(code: types.CodeType) -> Iterable[tuple[str, str]]:
    """``(module, name)`` of each ``from module import name`` in a function body (and nested ones)."""
    module = None
    for ins in dis.get_instructions(code):
        if ins.opname == "IMPORT_NAME":
            module = ins.argval
        elif ins.opname == "IMPORT_FROM" and module:
            yield module, ins.argval
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _imported_inside(const)


def _referenced(obj: object) -> Iterable[object]:
    """Objects a function or class of ``tests/`` names: its globals, attributes of modules it names, closures."""
    if isinstance(obj, type):
        for member in vars(obj).values():
            yield from (member.__func__,) if isinstance(member, (staticmethod, classmethod)) else (member,)
        return
    func = inspect.unwrap(obj) if callable(obj) else obj
    code = getattr(func, "__code__", None)
    if code is None:
        return
    names = _code_names(code)
    scope = getattr(func, "__globals__", {})
    modules = [scope[n] for n in names if isinstance(scope.get(n), types.ModuleType)]
    modules += [sys.modules[n] for n in names if n in sys.modules]  # `import x.y` inside the function
    for module_name, name in _imported_inside(code):  # not imported yet at collection: known by its names
        loaded = sys.modules.get(module_name)
        yield getattr(loaded, name) if hasattr(loaded, name) else types.SimpleNamespace(
            __module__=module_name, __name__=name)
    for name in names:
        if name in scope:
            yield scope[name]
        for module in modules:
            if name in vars(module):
                yield vars(module)[name]
    for cell in getattr(func, "__closure__", None) or ():
        try:
            yield cell.cell_contents
        except ValueError:  # empty cell
            continue
    yield from (func.__defaults__ or ())
    yield from (func.__kwdefaults__ or {}).values()


def _reaches(roots: Iterable[object]) -> set[str]:
    """The kinds (browser/apptest/server) that the objects reachable from ``roots`` make a test."""
    kinds: set[str] = set()
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if _matches(obj, _BROWSER):
            kinds.add("browser")
        elif _matches(obj, _APPTEST):
            kinds.add("apptest")
        elif _matches(obj, _SERVER):
            kinds.add("server")
        elif isinstance(obj, functools.partial):
            stack.extend([obj.func, *obj.args, *obj.keywords.values()])
        elif (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)) and _in_tests(obj):
            stack.extend(_referenced(obj))
    return kinds


def _fixture_functions(item: pytest.Item) -> list[object]:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return [fixturedef.func for defs in info.name2fixturedefs.values() for fixturedef in defs]


def _shared_fixture_scope(item: pytest.Item) -> bool:
    """True when the test uses a fixture of ``tests/`` set up once for the module (or wider)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(fixturedef.scope in {"module", "package", "session", "class"} and _in_tests(fixturedef.func)
               for defs in info.name2fixturedefs.values() for fixturedef in defs)


def classify(item: pytest.Item) -> set[str]:
    """Kinds of ``item`` found from what it uses (see the module docstring)."""
    roots: list[object] = [getattr(item, "function", None), *_fixture_functions(item)]
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        roots.extend(v for v in callspec.params.values() if callable(v))
    kinds = _reaches(r for r in roots if r is not None)
    if "browser" in kinds:
        kinds.discard("server")  # a browser test starts its server; «server» means a server without a browser
    return kinds


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marked = {kind for kind in KINDS if item.get_closest_marker(kind)}
        found = classify(item)
        if "browser" in marked:
            found.discard("server")
        for kind in sorted(found - marked):
            item.add_marker(getattr(pytest.mark, kind))
        if _shared_fixture_scope(item) and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__ if item.module else item.nodeid))


# --- Run-time check of the classification ---------------------------------------------------------------------

_seen: set[str] = set()  # kinds this process did since the current test's setup started
_APP_TEST_MODULE = "streamlit.testing.v1.app_test"
_APPTEST_LOADED = pytest.StashKey[bool]()  # was AppTest's module imported when the test's setup started?


def _audit(event: str, args: tuple) -> None:
    if event != "subprocess.Popen":
        return
    argv = args[1]
    words = [os.fspath(a) for a in argv] if isinstance(argv, (list, tuple)) else [os.fspath(argv)]
    text = " ".join(str(w) for w in words)
    if "playwright" in text and "run-driver" in text:
        _seen.add("browser")
    elif any(Path(str(w)).name == "serve.py" for w in words) or (
            "streamlit" in words and "run" in words):
        _seen.add("server")


def _count_apptest() -> None:
    """Wrap ``AppTest.__init__`` (once ``streamlit.testing`` is imported) to note that a test builds one."""
    module = sys.modules.get(_APP_TEST_MODULE)
    if module is None or getattr(module.AppTest.__init__, "_kind_check", False):
        return
    original = module.AppTest.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        _seen.add("apptest")
        original(self, *args, **kwargs)

    init._kind_check = True  # type: ignore[attr-defined]
    module.AppTest.__init__ = init


def pytest_configure(config: pytest.Config) -> None:
    sys.addaudithook(_audit)
    if os.environ.get(CHEAP_HASH_ENV) == "1":
        _cheap_password_hashing()


# --- Cheap password hashing for the fast loop ----------------------------------------------------------------

CHEAP_HASH_ENV = "MPI_DASH_TEST_CHEAP_HASH"


def _cheap_password_hashing() -> None:
    """Argon2id with 1 pass over 1 MiB instead of 3 over 64 MiB × 4 lanes (≈0.2 s CPU per hash or check).

    Half the fast loop's CPU went to hashing the test accounts' passwords.  ``make test-fast`` sets
    MPI_DASH_TEST_CHEAP_HASH=1; ``make test`` (CI) keeps the real parameters.  Same algorithm, hash and salt
    lengths: only the cost changes, and every hash still verifies (parameters travel inside the hash).
    """
    import secrets

    from argon2 import PasswordHasher

    from mpi_dash import accounts

    if not hasattr(accounts, "_HASHER") or not hasattr(accounts, "_DUMMY_HASH"):
        raise pytest.UsageError(f"{CHEAP_HASH_ENV}=1: mpi_dash.accounts ya no tiene _HASHER/_DUMMY_HASH; "
                                "actualice tests/conftest.py (_cheap_password_hashing)")
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._HASHER = cheap
    accounts._DUMMY_HASH = cheap.hash(secrets.token_urlsafe(16))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    _seen.clear()
    _count_apptest()
    item.stash[_APPTEST_LOADED] = _APP_TEST_MODULE in sys.modules
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    if not item.stash.get(_APPTEST_LOADED, True) and _APP_TEST_MODULE in sys.modules:
        _seen.add("apptest")  # the test imported AppTest itself (before it could be wrapped) to use it
        _count_apptest()
    missing = sorted(kind for kind in _seen if not item.get_closest_marker(kind)
                     and not (kind == "server" and item.get_closest_marker("browser")))
    if missing:
        pytest.fail(f"{item.nodeid} hace pruebas de tipo {', '.join(missing)} sin la marca correspondiente: "
                    f"tests/conftest.py no lo reconoció por lo que usa; márquela con "
                    f"{' '.join('@pytest.mark.' + k for k in missing)} (o amplíe las reglas de conftest.py) "
                    f"para que `make test-fast` siga siendo rápido.", pytrace=False)
    return result
