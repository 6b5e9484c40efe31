"""Each transaction is answered once, also when several verifier processes share one database."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

import thaivc
from thaivc.core.jsonutil import dumps_compact
from thaivc.oid4vp.dcql import DcqlQuery, claim, credential
from thaivc.wallet.present import PresentationWallet

from .race_workers import open_store, race_response, verifier_on

QUERY = DcqlQuery.of(credential("pid", vct="ThaiCitizenCredential", claims=[claim(["credentialSubject", "ial"])]))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_processes_race_to_answer_one_transaction(kind: str, tmp_path: Path, request: pytest.FixtureRequest,
                                                  citizen: thaivc.PrivateKey, sd_citizen: str) -> None:
    location = str(tmp_path / "vp.db") if kind == "sqlite" else request.getfixturevalue("pg_dsn")
    store = open_store(kind, location)
    try:
        verifier = verifier_on(store)
        tx = verifier.create(QUERY)
        wallet = PresentationWallet(citizen, http=httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))),
                                    allow_redirect_uri_clients=True)
        wallet.store(sd_citizen)
        req = wallet.read_request(tx.link)
        params = wallet.respond(req)
        body = urlencode({k: v if isinstance(v, str) else dumps_compact(v) for k, v in params.items()}).encode()
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(4) as pool:
            start = time.time() + 2.0
            statuses = pool.starmap(race_response, [(kind, location, body, start)] * 4)
        assert statuses.count(200) == 1, statuses
        assert statuses.count(400) == 3, statuses
        result = verifier.result(tx.id)
        assert result is not None and result.ok, result and result.problems
    finally:
        store.close()
