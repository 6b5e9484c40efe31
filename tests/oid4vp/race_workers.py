"""Run in child processes (multiprocessing, spawn): several verifier processes receive one response."""

from __future__ import annotations

import time

import thaivc
from thaivc.oid4vc import HttpRequest, PostgresStateStore, SqliteStateStore, StateStore
from thaivc.oid4vp.verifier import PresentationVerifier, VerifierConfig

BASE = "https://rd.go.th/oid4vp"
CONFIG = VerifierConfig(client_id=f"redirect_uri:{BASE}/response", base_url=BASE, response_mode="direct_post")


def open_store(kind: str, location: str) -> StateStore:
    return SqliteStateStore(location) if kind == "sqlite" else PostgresStateStore(location)


def verifier_on(store: StateStore) -> PresentationVerifier:
    return PresentationVerifier(CONFIG, thaivc.Verifier(thaivc.Policy(require_status_check=False)), store)


def race_response(kind: str, location: str, body: bytes, start_at: float) -> int:
    """One verifier process: wait for the common start, then receive the response; its HTTP status."""
    store = open_store(kind, location)
    try:
        verifier = verifier_on(store)
        time.sleep(max(0.0, start_at - time.time()))
        answer = verifier.handle_response(
            HttpRequest("POST", "/response", {"Content-Type": "application/x-www-form-urlencoded"}, body))
        return answer.status
    finally:
        store.close()
