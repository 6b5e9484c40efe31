"""One contract per verb (docs/architecture.md, "Verbs"), held statically over ``src/thaivc``.

* a ``check_…`` judges its input and answers with a report or a result object: it is never
  annotated ``-> None`` (a check that returns nothing can only speak by raising) and holds no
  ``raise`` outside a ``try`` body that catches it;
* a ``require_…`` raises on what it refuses: it holds a ``raise`` or hands its input to another
  ``require_…``;
* a ``verify_…`` raises on what it does not accept: it does not return a verdict object (a report,
  a proofs, chain or status result);
* the old ``check_…`` names of public ``require_…`` rules are deprecated aliases (PEP 702) that
  warn and behave exactly as the new name.

The exceptions are listed below, each with its reason; an entry that is no longer needed fails.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.errors import ThaiVCError

SRC = Path(__file__).resolve().parents[1] / "src" / "thaivc"

#: ``check_…`` functions that may raise on their input, and why.
CHECK_MAY_RAISE: dict[str, str] = {
    "status/checker.py:StatusChecker.check_credential": "a StatusResult per entry; a malformed entry raises",
    "status/checker.py:StatusChecker.check_entry": "revoked/suspended are results; a malformed entry raises",
    "status/checker.py:StatusChecker.check_token": "a StatusResult; a claim with no issuer to match raises",
    "registries/dopa.py:GdxDopaClient.check_card": "DOPA's answer is the result; no answer is Indeterminate",
    "engine/verifier.py:Verifier.check_embedded": "a report for any item; a usage error only for a bad depth",
    "thai/ids.py:check_digit": "a noun: the mod-11 check digit of an ID, computed from 12 digits",
}

#: ``verify_…`` functions that return a verdict object, and why.
VERIFY_RETURNS_VERDICT: dict[str, str] = {
    "di/verify.py:verify_proofs": "the documented keyword form of check_proof_set",
    "delegation/chain.py:verify_chain": "the documented keyword form of check_chain",
    "server/service.py:Service.verify_credential": "the VC-API operation /credentials/verify",
    "server/service.py:Service.verify_presentation": "the VC-API operation /presentations/verify",
}

_VERDICTS = ("VerificationReport", "ProofsResult", "ChainResult", "StatusResult", "ProofOutcome")

#: The deprecated old names of public rules: (module, old name, new name).
ALIASES: tuple[tuple[str, str, str], ...] = (
    ("thaivc.model", "check_credential", "require_credential"),
    ("thaivc.model", "check_presentation", "require_presentation"),
    ("thaivc.model", "check_self_asserted", "require_self_asserted"),
    ("thaivc.model", "check_enveloped", "require_enveloped"),
    ("thaivc.model", "check_jsonld", "require_jsonld"),
    ("thaivc.model", "check_plausible_year", "require_plausible_year"),
    ("thaivc.engine.issuer", "check_issuable", "require_issuable"),
    ("thaivc.thai", "check_text", "require_text"),
    ("thaivc.jose", "check_jwt_times", "require_jwt_times"),
    ("thaivc.jose", "check_vc_jwt_claims", "require_vc_jwt_claims"),
    ("thaivc.sdjwt", "check_vct_chain", "require_vct_chain"),
    ("thaivc.sdjwt", "check_issuer_metadata", "require_issuer_metadata"),
    ("thaivc.sdjwt", "check_jwks", "require_jwks"),
)


def _functions() -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function and method of ``src/thaivc`` as ``path:Class.name`` (nested ones excluded)."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SRC).as_posix()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{where}:{node.name}", node
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        yield f"{where}:{node.name}.{item.name}", item


def _is_deprecated_alias(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "deprecated"
        for d in node.decorator_list
    )


def _uncaught_raises(node: ast.AST) -> Iterator[ast.Raise]:
    """``raise`` statements outside any ``try`` body (a raise in a handler counts: it escapes)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(child, ast.Raise):
            yield child
        if isinstance(child, ast.Try):
            for part in (*child.handlers, *child.orelse, *child.finalbody):
                yield from _uncaught_raises(part)
            continue
        yield from _uncaught_raises(child)


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            names.add(func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else "")
    return names


def _short(name: str) -> str:
    return name.rsplit(":", 1)[1].rsplit(".", 1)[-1]


def test_a_check_answers_and_never_raises_on_its_input() -> None:
    returns_none, raising = [], []
    for name, node in _functions():
        if not _short(name).startswith("check_") or _is_deprecated_alias(node):
            continue
        if isinstance(node.returns, ast.Constant) and node.returns.value is None:
            returns_none.append(name)
        if name not in CHECK_MAY_RAISE and any(True for _ in _uncaught_raises(node)):
            raising.append(name)
    assert not returns_none, f"a check_… returning None speaks only by raising: name it require_…: {returns_none}"
    assert not raising, f"a check_… raises on its input: return a result, or name it require_…: {raising}"


def test_every_check_exception_is_still_needed() -> None:
    found = {name: node for name, node in _functions()}
    for name in CHECK_MAY_RAISE:
        assert name in found, f"{name} is gone: remove its entry"
        assert any(True for _ in _uncaught_raises(found[name])), f"{name} no longer raises: remove its entry"


def test_a_require_raises_on_what_it_refuses() -> None:
    silent = []
    for name, node in _functions():
        if not _short(name).startswith("require_"):
            continue
        delegates = any(called.startswith("require_") for called in _called_names(node))
        if not delegates and not any(isinstance(n, ast.Raise) for n in ast.walk(node)):
            silent.append(name)
    assert not silent, f"a require_… that neither raises nor hands on to a require_…: {silent}"


def test_a_verify_returns_no_verdict_object() -> None:
    found = []
    for name, node in _functions():
        if not _short(name).startswith("verify_") or node.returns is None:
            continue
        returned = ast.unparse(node.returns)
        if any(verdict in returned for verdict in _VERDICTS):
            found.append(name)
    assert sorted(found) == sorted(VERIFY_RETURNS_VERDICT), "a verify_… raises; a verdict object is a check_…'s"


def _outcome(func: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> tuple[str, str | None]:
    try:
        result = func(*args, **kwargs)
    except ThaiVCError as err:
        return type(err).__name__, err.code
    except Exception as exc:
        return type(exc).__name__, None
    return "returned", repr(result)


@pytest.mark.parametrize(("module", "old", "new"), ALIASES, ids=[old for _, old, _ in ALIASES])
def test_a_deprecated_name_warns_and_behaves_as_the_new_one(module: str, old: str, new: str) -> None:
    mod = importlib.import_module(module)
    alias, current = getattr(mod, old), getattr(mod, new)
    assert new in alias.__deprecated__
    assert old in getattr(mod, "__all__", [old]) and new in getattr(mod, "__all__", [new])
    assert not hasattr(current, "__deprecated__")
    assert inspect.signature(alias) == inspect.signature(current)
    params = inspect.signature(current).parameters.values()
    args = [object() for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    kwargs = {p.name: object() for p in params if p.default is p.empty and p.kind is p.KEYWORD_ONLY}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        expected = _outcome(current, args, kwargs)
    with pytest.warns(DeprecationWarning, match=new):
        got = _outcome(alias, args, kwargs)
    assert got == expected


def test_a_deprecated_name_returns_what_the_new_one_returns() -> None:
    import thaivc.thai as thai

    with pytest.warns(DeprecationWarning):
        assert thai.check_text("ก") == thai.require_text("ก") == "ก"
