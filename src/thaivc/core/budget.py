"""One work budget per verification request, shared by every step that can be made expensive.

Size caps bound what an attacker *sends*; they do not bound what the verifier *does* with it. A
Data Integrity document under the 64 KiB cap can ask for the same body to be converted to RDF and
canonicalised once per chained proof, and pyld's JSON-LD processor compares every value of a
property with every other one (quadratic: five thousand short strings in one array cost seconds).
Limits per step do not help when the steps repeat, so each :meth:`thaivc.Verifier.check` opens one
:class:`WorkBudget` and every canonicalisation, JSON-LD conversion, JCS serialisation and signature
check of that call — nested credentials of a presentation and status lists included — spends from
it. When it runs out the step raises ``di.canonicalization_limit`` (the code the RDFC work limit
already used: one code for "too much work"), which fails the proof, and a failed proof ends the
verification.

Units are *counted*, never timed, so the verdict does not depend on the machine's load. One unit
is roughly a microsecond of this library's work on a current core; the default budget is
calibrated so that the worst input under the size caps is refused well within a second (``make
bench`` prints that row). Honest credentials need a few thousand units; a presentation of sixteen
large ones a few tens of thousands.

The active budget travels in a :class:`~contextvars.ContextVar`, so the canonicalisers deep in the
call stack find it without every signature between here and there growing a parameter, and two
threads (or tasks) verifying at once never share one.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar, Token
from typing import Any, Final

from thaivc.core.errors import InputError, UsageError

__all__ = [
    "BUDGET_CODE",
    "DEFAULT_BUDGET",
    "JSONLD_NODE_UNITS",
    "SIGNATURE_UNITS",
    "WorkBudget",
    "current_budget",
    "json_nodes",
    "meter_pyld",
    "request_budget",
    "spend",
]

#: The code of a request that needs more work than its budget: the RDFC work limit's own code.
BUDGET_CODE: Final = "di.canonicalization_limit"
#: Units one ``check()`` may spend. The worst input under the size caps needs far more and is
#: refused after at most this much; the largest honest presentation needs a small fraction of it.
DEFAULT_BUDGET: Final = 200_000
#: Units per JSON value handed to pyld (expansion or conversion to RDF): its linear part.
JSONLD_NODE_UNITS: Final = 6
#: Units per signature check (P-384 ECDSA, the slowest suite, takes about a millisecond).
SIGNATURE_UNITS: Final = 1_000

_ACTIVE: ContextVar[WorkBudget | None] = ContextVar("thaivc_work_budget", default=None)


class WorkBudget:
    """A counter of work units with a ceiling; :meth:`spend` raises once the ceiling is passed."""

    __slots__ = ("limit", "spent")

    def __init__(self, limit: int = DEFAULT_BUDGET) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise UsageError("usage.invalid_argument", "a work budget is a non-negative integer")
        self.limit = limit
        self.spent = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.spent)

    def spend(self, units: int, what: str) -> None:
        """Charge ``units`` for ``what``; past the limit, refuse the request (``di.canonicalization_limit``)."""
        self.spent += units
        if self.spent > self.limit:
            raise self.exhausted(what)

    def exhausted(self, what: str) -> InputError:
        """The error a step raises when this budget cannot pay for ``what``."""
        return InputError(
            BUDGET_CODE, f"the request's work budget of {self.limit} units is spent ({what[:80]}): too complex"
        )


def current_budget() -> WorkBudget | None:
    """The budget of the request being verified in this thread or task, if any."""
    return _ACTIVE.get()


def spend(units: int, what: str) -> None:
    """Charge the active budget, if a request has one (signing and tooling run without)."""
    budget = _ACTIVE.get()
    if budget is not None:
        budget.spend(units, what)


def request_budget(limit: int | None = None) -> _RequestBudget:
    """Make a budget active for the duration of one request (``with request_budget() as budget:``).

    A request already under way keeps its own budget (a nested ``check()`` — a status list, a
    credential inside a presentation — spends from the outer one), so the ceiling holds for the
    whole request and cannot be multiplied by nesting.
    """
    return _RequestBudget(limit)


class _RequestBudget:
    """The context manager :func:`request_budget` returns: a class, not a generator.

    It opens once per ``Verifier.check``; a generator-based ``contextmanager`` cost ~1.4 µs of a
    ~50 µs ``vc+jwt`` overhead (issue 16), this ~0.4 µs.
    """

    __slots__ = ("_limit", "_token")

    def __init__(self, limit: int | None) -> None:
        self._limit = limit
        self._token: Token[WorkBudget | None] | None = None

    def __enter__(self) -> WorkBudget:
        active = _ACTIVE.get()
        if active is not None:
            return active
        budget = WorkBudget(DEFAULT_BUDGET if self._limit is None else self._limit)
        self._token = _ACTIVE.set(budget)
        return budget

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _ACTIVE.reset(self._token)
            self._token = None


def json_nodes(value: Any) -> int:
    """Objects, arrays, members and scalars in a JSON value: what a linear pass over it visits.

    Iterative (no recursion limit), and a container met again is counted again, as a processor
    walking it would visit it again.
    """
    count = 1  # the value itself; every other value is counted when its container is opened
    stack = [value]
    children: Any
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            count += 2 * len(node)  # a member and its value
            children = node.values()
        elif isinstance(node, list | tuple):
            count += len(node)
            children = node
        else:
            continue
        # only containers go on the stack: this runs on every Data Integrity verification
        for child in children:
            kind = type(child)
            if kind is not str and kind is not int and kind is not float and kind is not bool and child is not None:
                stack.append(child)
    return count


_METERED: list[bool] = []
_METER_LOCK: Final = threading.Lock()


def meter_pyld() -> None:
    """Charge pyld's value de-duplication to the active budget (installed once, idempotent).

    pyld adds each value of a node's property by first comparing it with every value already there
    (``JsonLdProcessor.has_value``), so one property with n values costs n²/2 comparisons — the
    step that lets a few kilobytes cost seconds. The wrapper charges one unit per value compared
    and otherwise behaves exactly like the original; outside a request it charges nothing.
    """
    with _METER_LOCK:
        if not _METERED:
            _install_meter()


def _install_meter() -> None:
    from pyld.jsonld import JsonLdProcessor

    original = JsonLdProcessor.has_value

    def has_value(subject: Any, property: Any, value: Any) -> Any:
        budget = _ACTIVE.get()
        if budget is not None and isinstance(subject, dict):
            present = subject.get(property)
            if isinstance(present, dict) and isinstance(present.get("@list"), list):
                present = present["@list"]
            budget.spend(len(present) if isinstance(present, list) else 1, "JSON-LD value comparisons")
        return original(subject, property, value)

    JsonLdProcessor.has_value = staticmethod(has_value)
    _METERED.append(True)
