"""Reconciliation: revoke status indices that were allocated for an issuance that never finished.

Issuance allocates a status index (committed), signs, then writes the register row
(:mod:`thaivc.service`'s order). A process killed between the first and the last step, or a database
error there, leaves an *orphan*: an index nobody holds, for a credential that was never delivered.
It is harmless by itself — the credential existed only in the dead process's memory — but it is an
index that reads ``valid`` for ever and that no register row accounts for. Reconciliation finds
every such index of this issuer and sets its bits (revocation, and suspension where that purpose was
allocated), so it can never be mistaken for a live credential, and appends one audit row per
orphan (action ``reconcile``, outcome ``revoked-orphan``). An index is never released or reused.

What makes it safe, each enforced by the database rather than by timing:

* **An index a register row holds is never touched.** The candidates are chosen by an anti-join
  with the register, and the credential id is recorded in ``thaivc_reconciled`` in the same
  transaction. A register write refuses an id recorded there (``status.orphan_reconciled``), and the
  two are ordered by the database (SQLite: one writer at a time; PostgreSQL: the register takes a
  shared advisory lock, a reconciliation batch the exclusive one). So a register row written while
  reconciliation runs is either seen by it (left alone) or refused (never delivered).
* **Only what the service itself allocated.** Candidates are entries whose ``origin`` is
  :data:`ORIGIN` (status store schema version 3), written by the service's own status store
  (:meth:`Database.status_store`). Entries of
  ``thaivc issue --status`` or ``thaivc batch`` pointed at the same database under the same DID, of
  the library, and every entry older than the upgrade (``origin`` ``NULL``) are never candidates:
  no register row will ever hold them, and they are live, delivered credentials.
* **An issuance in flight is left alone.** Only entries allocated more than ``grace`` seconds ago
  are candidates (``thaivc_status_entry.allocated_at``, status store schema version 2); an entry
  without an allocation time, or with one in the reconciler's future (clock skew), is not old enough.
* **Idempotent, and safe to run twice at once.** Each batch is one transaction under the lock above,
  so two reconcilers split the orphans between them and each orphan gets one audit row. Its bits are
  set right after the batch commits; a reconciler killed between the two leaves the id recorded with
  bits unset, and a later run (:data:`REPAIR_AFTER` seconds on) sets them (``repaired``, no second
  audit row).
* **Bounded.** Orphans are read :attr:`ReconcileOptions.batch_size` at a time in credential-id order
  (keyset pagination) and reported one by one through a callback: memory does not grow with their number.
* **Only this issuer.** Candidates are entries of ``issuer_id`` only, purposes revocation and suspension.

Clocks: ages compare the allocating host's clock (``allocated_at``) with the reconciler's. Skew never
makes reconciliation deliver a revoked credential (the register guard above refuses it); at worst an
issuance slower than ``grace`` less the skew is refused (``status.orphan_reconciled``) and retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.server.db import RECONCILE_LOCK, STATUS_ORIGIN, AuditEntry, Cursor, Database, insert_audit
from thaivc.status.store import StatusStore

__all__ = [
    "ACTION",
    "DEFAULT_GRACE",
    "ORIGIN",
    "REPAIR_AFTER",
    "Orphan",
    "OrphanEntry",
    "ReconcileOptions",
    "ReconcileSummary",
    "ReconcileTimer",
    "parse_duration",
    "reconcile",
]

_log = logging.getLogger("thaivc.server.reconcile")

#: The audit action and outcome of a reconciled orphan.
ACTION: Final = "reconcile"
REVOKED: Final = "revoked-orphan"
#: The ``origin`` the service's status store writes on each entry it allocates; the only ones reconciled.
ORIGIN: Final = STATUS_ORIGIN
#: Ten minutes: an issuance signs in milliseconds; one still unregistered after this is not coming back.
DEFAULT_GRACE: Final = 600
#: A recorded orphan whose bits are still unset this long after is repaired (its reconciler died).
REPAIR_AFTER: Final = 120
_PURPOSES: Final = ("revocation", "suspension")
_DURATION: Final = re.compile(r"(\d{1,9})\s*([smhd]?)", re.ASCII)
_UNIT: Final = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

Outcome = Literal["revoked-orphan", "would-revoke", "repaired"]


def parse_duration(text: str) -> int:
    """Seconds of ``600``, ``30s``, ``10m``, ``1h`` or ``2d`` (``usage.invalid_argument`` otherwise)."""
    match = _DURATION.fullmatch(text.strip())
    if match is None:
        raise UsageError("usage.invalid_argument", f"not a duration: {text[:40]!r} (say 600, 30s, 10m, 1h or 2d)")
    return int(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True, slots=True)
class OrphanEntry:
    """One status entry of an orphan: its purpose, list, index and allocation time (Unix seconds)."""

    purpose: str
    list_id: str
    index: int
    allocated_at: int


@dataclass(frozen=True, slots=True)
class Orphan:
    """A credential id whose status entries no register row holds, and what reconciliation did."""

    credential_id: str
    entries: tuple[OrphanEntry, ...]
    outcome: Outcome

    def describe(self) -> str:
        """The entries in one line: ``revocation 3f2a…#1234 allocated 2025-01-02T03:04:05Z; …``."""
        return "; ".join(f"{e.purpose} {e.list_id}#{e.index} allocated {_iso(e.allocated_at)}" for e in self.entries)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.credential_id,
            "outcome": self.outcome,
            "entries": [
                {"purpose": e.purpose, "list": e.list_id, "index": e.index, "allocatedAt": _iso(e.allocated_at)}
                for e in self.entries
            ],
        }


@dataclass(frozen=True, slots=True)
class ReconcileOptions:
    """How one run behaves. ``grace``: seconds an allocation is left alone; ``actor``: the audit's actor."""

    grace: int = DEFAULT_GRACE
    dry_run: bool = False
    batch_size: int = 500
    actor: str = "reconcile"

    def __post_init__(self) -> None:
        if self.grace < 0:
            raise UsageError("usage.invalid_argument", "grace is zero or more seconds")
        if not 1 <= self.batch_size <= 900:  # one statement's placeholders stay under SQLite's old limit of 999
            raise UsageError("usage.invalid_argument", "batch_size is 1..900")


@dataclass(slots=True)
class ReconcileSummary:
    """What one run found and did; ``run`` is the audit rows' ``request_id``."""

    run: str
    issuer_id: str
    dry_run: bool
    grace: int
    cutoff: int
    revoked: int = 0
    would_revoke: int = 0
    repaired: int = 0
    batches: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def found(self) -> int:
        return self.revoked + self.would_revoke + self.repaired

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "issuer": self.issuer_id,
            "dryRun": self.dry_run,
            "graceSeconds": self.grace,
            "allocatedBefore": _iso(self.cutoff),
            "found": self.found,
            "revoked": self.revoked,
            "wouldRevoke": self.would_revoke,
            "repaired": self.repaired,
        }


def reconcile(
    db: Database,
    store: StatusStore,
    issuer_id: str,
    options: ReconcileOptions | None = None,
    *,
    now: float | None = None,
    on_orphan: Callable[[Orphan], None] | None = None,
) -> ReconcileSummary:
    """Find and (unless ``options.dry_run``) revoke every orphan of ``issuer_id``; see the module doc.

    ``store`` is the status store on the same database as ``db`` (:meth:`Database.status_store`);
    only entries it allocated (origin :data:`ORIGIN`) are ever candidates.
    Raises the store's or the database's ``ThaiVCError`` on failure; whatever was done before it stays
    done and consistent (a later run repairs or finishes it).
    """
    opts = options or ReconcileOptions()
    at = int(time.time() if now is None else now)
    summary = ReconcileSummary(
        run=f"reconcile-{secrets.token_hex(6)}",
        issuer_id=issuer_id,
        dry_run=opts.dry_run,
        grace=opts.grace,
        cutoff=at - opts.grace,
    )
    after = ""
    while True:
        ids, orphans, more = _claim_batch(db, issuer_id, opts, summary, after, at)
        if not ids:
            return summary
        summary.batches += 1
        if not opts.dry_run:
            _set_bits(store, issuer_id, orphans)
        for orphan in orphans:
            if orphan.outcome == REVOKED:
                summary.revoked += 1
            elif orphan.outcome == "repaired":
                summary.repaired += 1
            else:
                summary.would_revoke += 1
            if on_orphan is not None:
                on_orphan(orphan)
        if not more:
            return summary
        after = ids[-1]


def _claim_batch(  # noqa: PLR0917 - one private step, its arguments are the run's state
    db: Database, issuer_id: str, opts: ReconcileOptions, summary: ReconcileSummary, after: str, at: int
) -> tuple[list[str], list[Orphan], bool]:
    """One transaction: the next candidate ids after ``after``, their entries, and (not a dry run)
    their ``thaivc_reconciled`` rows and audit rows. Returns the candidate ids (for paging), the
    orphans to act on (a candidate recorded moments ago by another reconciler is left to it) and
    whether more may follow."""
    limit = 2 * opts.batch_size  # an id has at most two rows: one per purpose
    with db.transaction(write=not opts.dry_run) as cur:
        if db.kind == "postgres" and not opts.dry_run:
            cur.execute(RECONCILE_LOCK)
        rows = cur.execute(_CANDIDATES, (issuer_id, ORIGIN, after, issuer_id, summary.cutoff, limit)).fetchall()
        entries: dict[str, list[OrphanEntry]] = {}
        recorded: dict[str, int | None] = {}
        for cid, purpose, list_id, idx, allocated_at, reconciled_at in rows:
            entry = OrphanEntry(str(purpose), str(list_id), int(idx), int(allocated_at))
            entries.setdefault(str(cid), []).append(entry)
            recorded[str(cid)] = None if reconciled_at is None else int(reconciled_at)
        ids = list(entries)
        more = len(rows) == limit
        if len(ids) > opts.batch_size:
            ids, more = ids[: opts.batch_size], True  # the ids before the last are complete
        elif more and len(entries[ids[-1]]) < len(_PURPOSES):
            ids.pop()  # the last id's other row may lie past the limit: it leads the next batch
        orphans = [_judge(cid, tuple(entries[cid]), recorded[cid], opts.dry_run, at) for cid in ids]
        acted = [o for o in orphans if o is not None]
        if not opts.dry_run:
            _record(cur, issuer_id, [o for o in acted if o.outcome == REVOKED], opts.actor, summary.run, at)
    return ids, acted, more


def _judge(
    credential_id: str, entries: tuple[OrphanEntry, ...], recorded_at: int | None, dry_run: bool, at: int
) -> Orphan | None:
    if recorded_at is None:
        return Orphan(credential_id, entries, "would-revoke" if dry_run else REVOKED)
    if recorded_at <= at - REPAIR_AFTER:
        return Orphan(credential_id, entries, "would-revoke" if dry_run else "repaired")
    return None  # recorded moments ago: its own reconciler is setting its bits now


def _record(cur: Cursor, issuer_id: str, orphans: Sequence[Orphan], actor: str, run: str, at: int) -> None:  # noqa: PLR0917
    for orphan in orphans:
        cur.execute(
            "INSERT INTO thaivc_reconciled (credential_id, issuer_id, at, run) VALUES (?, ?, ?, ?)",
            (orphan.credential_id, issuer_id, at, run),
        )
        purposes = ",".join(e.purpose for e in orphan.entries)
        detail = f"no register row; status set: {purposes}; {orphan.describe()}"
        insert_audit(cur, AuditEntry(at, actor, ACTION, orphan.credential_id, REVOKED, detail, run))


def _set_bits(store: StatusStore, issuer_id: str, orphans: Sequence[Orphan]) -> None:
    """Set each purpose's bit of the orphans, one store transaction per purpose (all or nothing)."""
    for purpose in _PURPOSES:
        ids = [o.credential_id for o in orphans if any(e.purpose == purpose for e in o.entries)]
        if ids:
            store.set_values(issuer_id, purpose, ids, 1)


#: The unset revocation and suspension entries of ``issuer_id`` that the service allocated (origin),
#: after a keyset bound, of credential ids without a register row whose every entry of either purpose
#: (whoever allocated it) was allocated strictly before the cutoff (none without a time), with the
#: time each id was recorded as reconciled (NULL: never). An id holding any entry the service did not
#: allocate is not a candidate either: that entry's holder may be live.
_CANDIDATES: Final = (
    "SELECT e.credential_id, e.purpose, e.list_id, e.idx, e.allocated_at, r.at FROM thaivc_status_entry e "
    "LEFT JOIN thaivc_reconciled r ON r.credential_id = e.credential_id "
    "WHERE e.issuer_id = ? AND e.origin = ? AND e.purpose IN ('revocation', 'suspension') AND e.value = 0 "
    "AND e.credential_id > ? "
    "AND NOT EXISTS (SELECT 1 FROM thaivc_issued i WHERE i.credential_id = e.credential_id) "
    "AND NOT EXISTS (SELECT 1 FROM thaivc_status_entry y WHERE y.issuer_id = ? "
    "AND y.purpose IN ('revocation', 'suspension') AND y.credential_id = e.credential_id "
    "AND (y.allocated_at IS NULL OR y.allocated_at >= ? OR y.origin IS NULL OR y.origin <> e.origin)) "
    "ORDER BY e.credential_id, e.purpose LIMIT ?"
)


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ReconcileTimer:
    """``[server] reconcile_interval``: a daemon thread that reconciles about once per interval.

    Every worker of every instance runs one; each round is *claimed* in the database first (one
    conditional ``UPDATE`` of ``thaivc_server_meta``: the last round started at least 90% of an interval
    ago), so one worker acts per round and the others skip it. A failure is logged and the next round
    tries again; it never stops the service.
    """

    def __init__(self, db: Database, run: Callable[[], ReconcileSummary], interval: int) -> None:
        self._db = db
        self._run = run
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="thaivc-reconcile", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        # jitter: workers started together do not all wake at the same instant
        while not self._stop.wait(self._interval * (0.5 + secrets.randbelow(500) / 1000)):
            try:
                if self.claim_round(time.time()):
                    summary = self._run()
                    _log.info(
                        "reconcile %s: %d orphans revoked, %d repaired", summary.run, summary.revoked, summary.repaired
                    )
            except ThaiVCError as exc:
                _log.warning("reconcile failed (%s); next round retries", exc.code)
            except Exception:  # the timer must outlive any bug in one round
                _log.exception("reconcile failed; next round retries")

    def claim_round(self, now: float) -> bool:
        """Whether this worker won the round starting at ``now`` (one atomic conditional ``UPDATE``)."""
        stamp = int(now)
        self._db.statement(
            "INSERT INTO thaivc_server_meta (key, value) VALUES ('reconcile_round', '0') ON CONFLICT (key) DO NOTHING"
        )
        won = self._db.statement(
            "UPDATE thaivc_server_meta SET value = ? WHERE key = 'reconcile_round' AND CAST(value AS BIGINT) <= ?",
            (str(stamp), stamp - int(self._interval * 0.9)),
        )
        return won == 1
