"""The layer contract holds, the architecture page shows it, and no module reaches into another's privates."""

from __future__ import annotations

import ast
import importlib.util
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "thaivc"
SPEC = importlib.util.spec_from_file_location("gen_architecture", ROOT / "tools" / "gen_architecture.py")
assert SPEC and SPEC.loader
GEN = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(GEN)

_SETATTR = frozenset({"setattr", "__setattr__"})


def _new_instances(func: ast.AST) -> set[str]:
    """Names bound in ``func`` to ``cls.__new__(cls)`` / ``object.__new__(cls)``: an alternate
    constructor filling in the instance it is making, which is the class's own business."""
    names = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            callee = node.value.func
            if isinstance(callee, ast.Attribute) and callee.attr == "__new__":
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _owner_ok(target: ast.expr, own: set[str]) -> bool:
    return isinstance(target, ast.Name) and (target.id in {"self", "cls"} or target.id in own)


def private_assignments(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every assignment to another object's private attribute in ``source``:
    ``x._name = …`` (also augmented, annotated, tuple targets) and ``setattr(x, "_name", …)`` /
    ``object.__setattr__(x, "_name", …)`` where ``x`` is not ``self``/``cls``. Dunder names are not
    private attributes."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    scopes: list[ast.AST] = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    seen: set[int] = set()
    for scope in reversed(scopes):  # innermost functions first, so each node is judged in its own function
        own = _new_instances(scope) if scope is not tree else set()
        for node in ast.walk(scope):
            if id(node) in seen:
                continue
            seen.add(id(node))
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            elif isinstance(node, ast.Call) and len(node.args) >= 2:
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                attr = node.args[1]
                if (name in _SETATTR and isinstance(attr, ast.Constant) and isinstance(attr.value, str)
                        and attr.value.startswith("_") and not attr.value.startswith("__")
                        and not _owner_ok(node.args[0], own)):
                    found.append((node.lineno, ast.unparse(node)))
                continue
            for target in targets:
                for sub in ast.walk(target):
                    if (isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store) and sub.attr.startswith("_")
                            and not sub.attr.startswith("__") and not _owner_ok(sub.value, own)):
                        found.append((node.lineno, ast.unparse(target)))
    return sorted(set(found))


# -- the checker itself, against the shapes it must catch (and must not) --------------------------

@pytest.mark.parametrize("source", [
    "sub = copy.copy(verifier)\nsub._check_data_integrity = forged\n",  # the replacement that hid a forgery
    "def f(v):\n    v._policy = None\n",
    "def f(v):\n    v._count += 1\n",
    "def f(v):\n    v._x: int = 1\n",
    "def f(a, b):\n    a._x, b.y = 1, 2\n",
    "def f(v):\n    setattr(v, '_trust', None)\n",
    "def f(v):\n    object.__setattr__(v, '_kid', 'x')\n",
    "def f(self, other):\n    other._session = self._session\n",
    "def f(self):\n    self.inner._cache = {}\n",
    "class C:\n    @classmethod\n    def make(cls, other):\n        c = cls.__new__(cls)\n        other._x = 1\n        return c\n",
])
def test_private_assignment_is_found(source: str) -> None:
    assert private_assignments(source), source


@pytest.mark.parametrize("source", [
    "class C:\n    def __init__(self):\n        self._x = 1\n",
    "class C:\n    def __init__(self):\n        object.__setattr__(self, '_x', 1)\n",
    "class C:\n    @classmethod\n    def make(cls):\n        cls._registry = {}\n",
    "class C:\n    @classmethod\n    def make(cls, s):\n        c = cls.__new__(cls)\n        c._session = s\n        return c\n",
    "def f(v):\n    v.public = 1\n    v.__doc__ = 'x'\n",
    "def f(v):\n    x = v._private\n",
])
def test_own_and_public_assignments_pass(source: str) -> None:
    assert private_assignments(textwrap.dedent(source)) == []


def test_no_module_assigns_to_another_objects_private_attribute() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}:{line}": text
        for path in sorted(SRC.rglob("*.py"))
        for line, text in private_assignments(path.read_text(encoding="utf-8"))
    }
    assert not offenders, f"assignments to another object's private attribute: {offenders}"


# -- reads and calls of another object's privates ------------------------------------------------

#: Reads of another object's private name that stay, each with its reason; keyed by the expression
#: (anywhere) or by ``path: expression``. An entry nothing needs any more fails the test below.
ALLOWED_PRIVATE_READS = {
    "argparse._SubParsersAction": "the standard library gives the type of add_subparsers() no public name",
    "argparse._ActionsContainer": "the standard library's common base of parsers and argument groups, unnamed publicly",
    "hashlib._Hash": "typeshed's name for a hash object's type, in an annotation only",
    "src/thaivc/cli/__init__.py: current._actions": "argparse lists a parser's actions nowhere public; read only",
    "src/thaivc/cli/__init__.py: command._actions": "argparse lists a parser's actions nowhere public; read only",
    "src/thaivc/keys/_public.py: other._key_type": "PublicKey.__eq__: other is a PublicKey (isinstance just above)",
    "src/thaivc/keys/_public.py: other._raw": "PublicKey.__eq__: other is a PublicKey (isinstance just above)",
    "src/thaivc/keys/_private.py: PublicKey._from_checked_jwk": "the keys package's constructor for a JWK it checked",
}

_GETATTRS = frozenset({"getattr", "hasattr"})


def _private(name: object) -> bool:
    return isinstance(name, str) and name.startswith("_") and not name.startswith("__")


def _own_instances(func: ast.AST) -> set[str]:
    """Names bound in ``func`` to ``cls(...)`` or ``cls.__new__(cls)``: an alternate constructor
    finishing the instance it is making, which is the class's own business."""
    names = _new_instances(func)
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            callee = node.value.func
            if isinstance(callee, ast.Name) and callee.id == "cls":
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _reader_ok(value: ast.expr, own: set[str]) -> bool:
    """``self``, ``cls``, ``super()`` and the instance a constructor is making may be read freely."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super":
        return True
    return _owner_ok(value, own)


def _reads_private(node: ast.AST, own: set[str]) -> bool:
    if isinstance(node, ast.Attribute):
        return isinstance(node.ctx, ast.Load) and _private(node.attr) and not _reader_ok(node.value, own)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _GETATTRS
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
            and _private(node.args[1].value) and not _reader_ok(node.args[0], own))


def private_reads(source: str) -> list[tuple[int, str]]:
    """``(line, expression)`` of every read or call of another object's private attribute:
    ``x._name`` (loaded, called, or passed on) and ``getattr(x, "_name")`` / ``hasattr(x, "_name")``
    where ``x`` is not ``self``/``cls``/``super()`` or the instance an alternate constructor is
    making. Assignments are :func:`private_assignments`' business; dunder names are protocols."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    scopes: list[ast.AST] = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]
    seen: set[int] = set()
    for scope in reversed(scopes):  # innermost functions first, so each node is judged in its own function
        own = _own_instances(scope) if scope is not tree else set()
        for node in ast.walk(scope):
            if id(node) in seen:
                continue
            seen.add(id(node))
            if _reads_private(node, own):
                found.append((node.lineno, ast.unparse(node)))
    return sorted(set(found))


@pytest.mark.parametrize("source", [
    "def f(verifier, c, s):\n    return verifier._redeem_challenge(c, s)\n",  # the reach issue 10 found
    "def f(verifier, item):\n    return verifier._dispatch(item, depth=1)\n",
    "class R:\n    def consume(self, n):\n        return self._verifier._redeem_challenge(n)\n",  # through self's member
    "def f(v):\n    x = v._policy\n",
    "def f(v):\n    g(v._cache)\n",
    "def f(v):\n    return getattr(v, '_trust', None)\n",
    "def f(v):\n    return hasattr(v, '_trust')\n",
    "class C:\n    @classmethod\n    def make(cls, other):\n        c = cls()\n        return other._x\n",
])
def test_private_read_is_found(source: str) -> None:
    assert private_reads(source), source


@pytest.mark.parametrize("source", [
    "class C:\n    def f(self):\n        return self._x + self._y()\n",
    "class C:\n    @classmethod\n    def f(cls):\n        return cls._registry\n",
    "class C(B):\n    def f(self):\n        return super()._f()\n",
    "class C:\n    @classmethod\n    def make(cls, s):\n        c = cls.__new__(cls)\n        c._adopt(s)\n        return c\n",
    "class C:\n    @classmethod\n    def make(cls, s):\n        c = cls()\n        c._install(s)\n        return c\n",
    "def f(v):\n    return v.public, v.__dict__, getattr(v, 'name'), getattr(v, '__doc__')\n",
    "def f(v):\n    v._x = 1\n",  # an assignment: judged by private_assignments
])
def test_own_and_public_reads_pass(source: str) -> None:
    assert private_reads(source) == []


def _private_reads_in_src() -> dict[str, list[str]]:
    """``path: expression`` (and the bare expression) → the lines where ``src/`` reads it."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for line, text in private_reads(path.read_text(encoding="utf-8")):
            key = text if text in ALLOWED_PRIVATE_READS else f"{relative}: {text}"
            found.setdefault(key, []).append(f"{relative}:{line}")
    return found


def test_no_module_reads_another_objects_private_attribute() -> None:
    """The pipelines of engine/verify use the verifier's public surface (``redeem_challenge``,
    ``check_embedded``), and so does every other module: a private name is its owner's to change."""
    found = _private_reads_in_src()
    offenders = {key: where for key, where in found.items() if key not in ALLOWED_PRIVATE_READS}
    assert not offenders, f"reads of another object's private attribute: {offenders}"
    unused = sorted(set(ALLOWED_PRIVATE_READS) - set(found))
    assert not unused, f"no longer needed, remove from ALLOWED_PRIVATE_READS: {unused}"
    assert all(reason for reason in ALLOWED_PRIVATE_READS.values())


# -- the layer contract ---------------------------------------------------------------------------

def test_layer_contract_is_kept() -> None:
    """The same check as ``make lint`` (import-linter over the source tree under test)."""
    pytest.importorskip("importlinter")
    from importlinter.cli import lint_imports

    # import-linter configures logging with dictConfig, which disables every logger that exists then
    # (thaivc's included) for the rest of this process: put them back as they were
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    before = {id(lg): lg.disabled for lg in loggers}
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
    finally:
        for lg in loggers:
            lg.disabled = before[id(lg)]


def test_contract_counts_every_import() -> None:
    """Function-level and TYPE_CHECKING imports are dependencies too; one documented exception."""
    contract = GEN.contract()
    assert contract.get("exclude_type_checking_imports", False) is False
    assert contract["exhaustive"] is True
    assert contract.get("ignore_imports") == ["thaivc.engine.verifier -> thaivc.authorization.authorizer"]


def test_every_top_level_module_has_a_layer_and_a_role() -> None:
    declared = {n.strip("()") for _, _, names in GEN.rows() for n in names}
    present = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()
    }
    assert present <= declared, f"give these a layer in pyproject.toml: {sorted(present - declared)}"
    assert declared <= set(GEN.ROLES), f"describe these in tools/gen_architecture.py: {sorted(declared - set(GEN.ROLES))}"


def test_architecture_page_shows_the_contract() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert page == GEN.render(page), "run: python tools/gen_architecture.py"


def test_architecture_page_shows_every_check_order() -> None:
    """The check-order tables are rendered from thaivc.engine.verify.order: every order, every step."""
    from thaivc.engine.verify.order import ORDERS

    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = page[page.index(GEN.ORDER_BEGIN) : page.index(GEN.ORDER_END)]
    for order in ORDERS:
        assert f"**{order.title}**" in block
        assert all(f"| `{step.name}` | {step.refuses} |" in block for step in order.steps)


def test_loading_the_engine_loads_no_domain_module() -> None:
    """The engine imports the domain only when ``Verifier.authorize`` is called, never on load;
    and the formats never load the engine."""
    code = textwrap.dedent("""
        import sys
        import thaivc, thaivc.status, thaivc.engine.verifier, thaivc.engine.issuer, thaivc.engine.holder
        domain = ("authorization", "authority", "delegation", "credentials", "assurance", "registries", "cli")
        print(sorted(m for m in sys.modules if m.split(".")[1:2] and m.split(".")[1] in domain))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _package(module: str) -> str:
    """``thaivc.server.protocols`` → ``thaivc.server``: the unit whose privates are its own."""
    return ".".join(module.split(".")[:2])


def _is_method(value: object) -> bool:
    """A function, or one wrapped as a static/class method or a property (a classmethod object is not callable)."""
    return callable(value) or isinstance(value, staticmethod | classmethod | property)


def class_overrides(cls: type) -> list[str]:
    """``Class.method overrides module`` for each private method ``cls`` itself defines that a base
    class from another thaivc package also defines (dunders are protocol methods, not privates)."""
    found = []
    for base in cls.__mro__[1:]:
        if not base.__module__.startswith("thaivc.") or _package(base.__module__) == _package(cls.__module__):
            continue
        for name, value in vars(cls).items():
            if name.startswith("_") and not name.startswith("__") and _is_method(value) and name in vars(base):
                found.append(f"{cls.__module__}.{cls.__qualname__}.{name} overrides {base.__module__}")
    return found


def private_overrides() -> list[str]:
    """``Class.method`` for every private method a class overrides on a base class that lives in
    another thaivc package: subclassing to replace another package's internals is the same reach
    into its privates as assigning to them (a public hook belongs on the base class instead)."""
    import importlib
    import inspect
    import pkgutil

    import thaivc

    found = []
    for info in pkgutil.walk_packages(thaivc.__path__, "thaivc."):
        if info.name.endswith("__main__"):  # importing it runs the command line
            continue
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and cls.__module__ == module.__name__:
                found.extend(class_overrides(cls))
    return sorted(set(found))


def _klass(module: str, name: str, bases: tuple[type, ...], body: dict[str, object]) -> type:
    """A class as if defined in ``module`` (nothing is imported or registered)."""
    return type(name, bases, {"__module__": module, "__qualname__": name, **body})


def _base() -> type:
    def method(self: object) -> None:
        return None

    return _klass("thaivc.oid4vci.service", "Library", (), {
        "_issue": method, "_sign": method, "run": method, "__repr__": method,
        "_make": classmethod(method), "_check": staticmethod(method), "_value": property(method),
    })


def _noop(self: object) -> None:
    return None


@pytest.mark.parametrize(("module", "body", "via_child"), [
    ("thaivc.server.protocols", {"_issue": _noop}, False),              # the shape issue 10 found
    ("thaivc.server.protocols", {"_sign": _noop, "_mine": _noop}, False),
    ("thaivc.server.protocols", {"_make": classmethod(_noop)}, False),  # not callable, still an override
    ("thaivc.server.protocols", {"_check": staticmethod(_noop)}, False),
    ("thaivc.server.protocols", {"_value": property(_noop)}, False),
    ("thaivc.demo.app", {"_issue": _noop}, True),                       # through an intermediate subclass
])
def test_private_override_is_found(module: str, body: dict[str, object], via_child: bool) -> None:
    base = _base()
    if via_child:
        base = _klass("thaivc.oid4vci.extra", "Middle", (base,), {})
    assert class_overrides(_klass(module, "Sub", (base,), body))


@pytest.mark.parametrize(("module", "body"), [
    ("thaivc.oid4vci.other", {"_issue": _noop, "_sign": _noop}),  # its own package's internals
    ("thaivc.server.protocols", {"run": _noop}),                  # a public method is a public seam
    ("thaivc.server.protocols", {"__repr__": _noop, "__init__": _noop}),  # dunders are protocol methods
    ("thaivc.server.protocols", {"_mine": _noop, "_other": classmethod(_noop)}),  # new privates of its own
    ("thaivc.server.protocols", {"_issue": 1}),                   # a constant is not a method
])
def test_own_public_and_dunder_overrides_pass(module: str, body: dict[str, object]) -> None:
    assert class_overrides(_klass(module, "Sub", (_base(),), body)) == []


def test_a_base_outside_thaivc_is_not_judged() -> None:
    import threading

    assert "_bootstrap" in vars(threading.Thread)
    worker = _klass("thaivc.server.protocols", "Worker", (threading.Thread,), {"_bootstrap": _noop})
    assert class_overrides(worker) == []


def test_no_class_overrides_another_packages_private_method() -> None:
    assert private_overrides() == []
