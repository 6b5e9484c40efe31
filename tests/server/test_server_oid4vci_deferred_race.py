"""``thaivc serve``: racing polls of one deferred transaction register one credential, and the wallet has it.

Before, each racing poll asked the callback, allocated a status index, signed and registered; all but
one were then told "already collected", leaving registered, valid credentials nobody received.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from oid4vc_helpers import DEFERRED, PROTOCOLS, offer_body
from server_helpers import admin_headers
from starlette.testclient import TestClient

from thaivc.oid4vc import ErrorResponse
from thaivc.wallet import DeferredIssuance, IssuanceWallet


def test_racing_polls_register_one_credential(make_client: Callable[..., TestClient]) -> None:
    client = make_client(PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "oid4vc_helpers:deferred_callback"))
    DEFERRED["ready"], DEFERRED["delay"] = False, 0.0
    try:
        made = client.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
        wallet = IssuanceWallet(client)
        grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
        pending = wallet.request_credentials(grant)
        assert isinstance(pending, DeferredIssuance)
        DEFERRED["ready"], DEFERRED["delay"] = True, 0.3
        barrier = threading.Barrier(3)
        answers: list[Any] = []

        def poll() -> None:
            barrier.wait(5)
            try:
                answers.append(wallet.poll_deferred(pending))
            except ErrorResponse as refusal:
                answers.append(refusal)

        threads = [threading.Thread(target=poll) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        collected = [a for a in answers if isinstance(a, list)]
        assert len(collected) == 1 and len(collected[0]) == 1, answers
        assert sum(isinstance(a, DeferredIssuance) for a in answers) == 2, answers
        registered = client.get("/admin/credentials", headers=admin_headers()).json()["items"]
        assert len(registered) == 1  # one credential exists, and it is the one the wallet holds
        DEFERRED["delay"] = 0.0
        try:
            wallet.poll_deferred(pending)
            raise AssertionError("a collected transaction was served again")
        except ErrorResponse as refusal:
            assert refusal.error == "invalid_transaction_id"
        assert len(client.get("/admin/credentials", headers=admin_headers()).json()["items"]) == 1
    finally:
        DEFERRED["ready"], DEFERRED["delay"] = False, 0.0
