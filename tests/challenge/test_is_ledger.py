"""``is_ledger`` (the fast form of ``isinstance(store, ChallengeLedger)``) gives the protocol's answer.

A plain single-use store must never be taken for a ledger: ``require_issued_challenge`` relies on
a ledger to refuse challenges it never issued (issue 16 replaced the protocol check on the hot path).
"""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.engine.challenge import ChallengeLedger, MemoryChallengeStore, is_ledger, redeem


class _Plain:
    def consume(self, challenge: str) -> bool:
        return True


class _HalfLedger(_Plain):
    def redeem(self, challenge: str, *, require_issued: bool) -> str:
        return "fresh"


class _FullLedger(_HalfLedger):
    def issue(self, challenge: str, *, ttl: float) -> None:
        return None


class _NoneMember(_FullLedger):
    issue = None  # type: ignore[assignment]


def _sql_stores() -> list[Any]:
    from thaivc.engine.challenge_sql import SqliteChallengeStore

    return [SqliteChallengeStore(":memory:")]


@pytest.mark.parametrize("store", [_Plain(), _HalfLedger(), _FullLedger(), _NoneMember(), object(), "redeem",
                                   MemoryChallengeStore(), *_sql_stores()])
def test_is_ledger_agrees_with_the_protocol(store: Any) -> None:
    assert is_ledger(store) == isinstance(store, ChallengeLedger)


def test_a_plain_store_cannot_answer_require_issued() -> None:
    from thaivc.core.errors import UsageError

    with pytest.raises(UsageError):
        redeem(_HalfLedger(), "c", require_issued=True)  # has redeem, but no issue: not a ledger
    assert redeem(_Plain(), "c", require_issued=False) == "fresh"
