"""Challenges (nonces) for presentations: issued by the verifier, answered once, then spent.

A challenge defeats replay only if it is accepted once, and only if the verifier itself issued it:
a challenge the holder made up, or one issued long ago, proves nothing about *this* login. So the
library owns the lifecycle: :meth:`thaivc.Verifier.new_challenge` records each challenge it hands
out with an expiry, and the verifier redeems it after the presentation's signature verified (so
unsigned junk cannot burn a challenge it does not hold). Redeeming says one of four things, and each
refusal has its own problem code:

* ``fresh`` — issued, unexpired, not used before: accepted, and now spent;
* ``replayed`` — already used (``vp.challenge_replayed``);
* ``unknown`` — never issued by this verifier's store (``vp.challenge_unknown``), refused when
  ``Policy.require_issued_challenge`` is on;
* ``expired`` — issued, but its time ran out (``vp.challenge_unknown``, the detail says expired).

A store that only knows ``consume(challenge) -> bool`` (the older, single-use protocol) still works:
it cannot say whether a challenge was issued, so a verifier that requires issued challenges refuses
to be built with one. Several verifier instances share one :mod:`SQLite or PostgreSQL store
<thaivc.engine.challenge_sql>`; :class:`MemoryChallengeStore` serves one process.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final, Literal, Protocol, cast, runtime_checkable

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import UsageError

__all__ = [
    "CHALLENGE_CODES",
    "DEFAULT_CHALLENGE_TTL",
    "ChallengeLedger",
    "ChallengeState",
    "ChallengeStore",
    "MemoryChallengeStore",
    "new_challenge",
    "redeem",
    "refusal",
]

#: How long an issued challenge may be answered, by default (seconds): a login screen's lifetime.
DEFAULT_CHALLENGE_TTL: float = 300.0
#: The most a challenge may live: a long-lived challenge is a replay window.
MAX_CHALLENGE_TTL: float = 86_400.0
#: Longest challenge text accepted (``new_challenge`` makes 22 characters); longer input is refused
#: before it reaches a store.
MAX_CHALLENGE_LENGTH = 512

ChallengeState = Literal["fresh", "replayed", "unknown", "expired"]

#: Every problem code a challenge check may report.
CHALLENGE_CODES: frozenset[str] = frozenset(
    {"vp.challenge_missing", "vp.challenge_mismatch", "vp.challenge_unknown", "vp.challenge_replayed"}
)


def new_challenge() -> str:
    """A fresh unguessable challenge (128 bits, base64url), not recorded anywhere.

    Prefer :meth:`thaivc.Verifier.new_challenge`, which records it so that only challenges the
    verifier issued are accepted.
    """
    return secrets.token_urlsafe(16)


@runtime_checkable
class ChallengeStore(Protocol):
    """The single-use protocol every store speaks: ``consume`` is True the first time only."""

    def consume(self, challenge: str) -> bool:
        """Mark ``challenge`` used; True the first time, False on every later call."""
        ...


@runtime_checkable
class ChallengeLedger(ChallengeStore, Protocol):
    """A store that also records which challenges were issued, and until when."""

    def issue(self, challenge: str, *, ttl: float) -> None:
        """Record ``challenge`` as issued, answerable for ``ttl`` seconds."""
        ...

    def redeem(self, challenge: str, *, require_issued: bool) -> ChallengeState:
        """Spend ``challenge`` and say how it stood; only ``fresh`` is accepted.

        Without ``require_issued`` a challenge the store never saw is accepted once (the
        single-use behaviour of :meth:`ChallengeStore.consume`).
        """
        ...


#: The problem code and detail for each state but ``fresh``.
_REFUSALS: dict[str, tuple[str, str]] = {
    "replayed": ("vp.challenge_replayed", "this challenge was already used: a replay"),
    "unknown": ("vp.challenge_unknown", "this challenge was never issued by the verifier"),
    "expired": ("vp.challenge_unknown", "this challenge has expired"),
}


def refusal(state: ChallengeState) -> tuple[str, str] | None:
    """``(code, detail)`` refusing a presentation whose challenge redeemed as ``state``; None if fresh."""
    return _REFUSALS.get(state)


def require_ttl(ttl: float) -> float:
    """``ttl`` as a float, refused unless 0 < ttl <= one day."""
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 < ttl <= MAX_CHALLENGE_TTL:
        raise UsageError("usage.invalid_argument", f"ttl is a number of seconds in (0, {MAX_CHALLENGE_TTL:.0f}]")
    return float(ttl)


_LEDGER_MEMBERS: Final = ("consume", "issue", "redeem")


def is_ledger(store: object) -> bool:
    """``isinstance(store, ChallengeLedger)`` at the price of three attribute look-ups.

    A runtime-checkable protocol's ``isinstance`` re-collects the protocol's members on every
    call (tens of microseconds, once per presentation verified): this asks for the same members.
    """
    return all(getattr(store, name, None) is not None for name in _LEDGER_MEMBERS)


def redeem(store: ChallengeStore, challenge: str, *, require_issued: bool) -> ChallengeState:
    """Redeem ``challenge`` in any store: a ledger answers fully, a plain store only fresh/replayed."""
    if len(challenge) > MAX_CHALLENGE_LENGTH:
        return "unknown"  # no issued challenge is this long: never stored, never looked up
    if is_ledger(store):
        return cast("ChallengeLedger", store).redeem(challenge, require_issued=require_issued)
    if require_issued:
        raise UsageError("usage.invalid_argument", "this challenge store cannot tell issued challenges")
    return "fresh" if store.consume(challenge) else "replayed"


@dataclass(slots=True)
class _Entry:
    expires: float
    used: bool


class MemoryChallengeStore:
    """A bounded, thread-safe in-process ledger; entries are forgotten once they expire.

    A spent challenge is remembered for ``ttl`` seconds (at least as long as it could be answered),
    so a replay inside that window is ``replayed``. When ``max_entries`` live entries are held, the
    oldest is dropped: under ``require_issued_challenge`` that makes its challenge ``unknown``
    (refused), never accepted twice.
    """

    def __init__(self, *, ttl: float = 600.0, max_entries: int = 100_000, clock: Clock | None = None) -> None:
        if max_entries <= 0:
            raise UsageError("usage.invalid_argument", "max_entries must be positive")
        self._ttl = require_ttl(ttl)
        self._max = max_entries
        self._clock = clock or SystemClock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _make_room(self, now: float) -> None:
        # an unused issued entry is kept a while past its expiry, so a late answer is "expired"
        for key in [k for k, e in self._entries.items() if e.expires + (0 if e.used else self._ttl) <= now]:
            del self._entries[key]
        while len(self._entries) >= self._max:
            self._entries.popitem(last=False)

    def issue(self, challenge: str, *, ttl: float) -> None:
        expires = self._clock.now() + require_ttl(ttl)
        with self._lock:
            self._make_room(self._clock.now())
            self._entries[challenge] = _Entry(expires, used=False)

    def redeem(self, challenge: str, *, require_issued: bool) -> ChallengeState:
        now = self._clock.now()
        with self._lock:
            entry = self._entries.get(challenge)
            if entry is not None:
                if entry.used:
                    return "replayed"
                if entry.expires <= now:
                    return "expired"
                entry.used = True
                entry.expires = max(entry.expires, now + self._ttl)
                return "fresh"
            if require_issued:
                return "unknown"
            self._make_room(now)
            self._entries[challenge] = _Entry(now + self._ttl, used=True)
            return "fresh"

    def consume(self, challenge: str) -> bool:
        return self.redeem(challenge, require_issued=False) == "fresh"
