"""Fixtures for the OpenID4VP tests: the verifier's state on each back-end, a DOPA issuer and a citizen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import thaivc
from thaivc.credentials import CitizenPerson
from thaivc.credentials.types import citizen_credential
from thaivc.oid4vc import (
    HttpRequest,
    HttpResponse,
    MemoryStateStore,
    PostgresStateStore,
    SqliteStateStore,
    StateStore,
)
from thaivc.oid4vp.verifier import PresentationVerifier
from thaivc.thai import ThaiAddress, ThaiName


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """The verifier's state store, on each back-end in turn."""
    store: StateStore
    if request.param == "memory":
        store = MemoryStateStore()
    elif request.param == "sqlite":
        store = SqliteStateStore(tmp_path / "oid4vp.db")
    else:
        store = PostgresStateStore(request.getfixturevalue("pg_dsn"))
    yield store
    store.close()


def mount(verifier: PresentationVerifier) -> Callable[[httpx.Request], httpx.Response]:
    """The ten-line adapter an agency writes for its framework, here for httpx.MockTransport."""
    base = verifier.config.base_url

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url).split("?", 1)[0]
        http = HttpRequest(request.method, url[len(base):], dict(request.headers), request.content, url=url)
        answer: HttpResponse
        if url == base + "/response":
            answer = verifier.handle_response(http)
        elif url.startswith(base + "/request/"):
            answer = verifier.handle_request_uri(http, url.rsplit("/", 1)[1])
        else:
            answer = HttpResponse(404)
        return httpx.Response(answer.status, headers=dict(answer.headers), content=answer.body)

    return handler


@pytest.fixture(scope="session")
def dopa() -> thaivc.PrivateKey:
    return thaivc.generate_key("P-256")


@pytest.fixture(scope="session")
def citizen() -> thaivc.PrivateKey:
    return thaivc.generate_key("P-256")


SOMYING = CitizenPerson(
    "1101700230708",
    ThaiName(given_th="สมหญิง", family_th="ใจดี", given_en="Somying", family_en="Jaidee"),
    "1990-05-01",
    ThaiAddress.create(house_no="99/1", road="ถนนราชดำเนินกลาง", tambon="แขวงบวรนิเวศ", amphoe="เขตพระนคร",
                       province="กรุงเทพมหานคร", postcode="10200"),
)
#: Optional claims of ThaiCitizenCredential made disclosable (thaivc.credentials.citizen_disclosable makes the
#: personal ones disclosable too: see test_a_withheld_claim_never_satisfies_the_query).
DISCLOSABLE = ["/credentialSubject/address", "/credentialSubject/givenNameEn", "/credentialSubject/familyNameEn"]


def citizen_doc(subject_did: str) -> dict[str, Any]:
    return citizen_credential(subject_did, SOMYING, ial="2.3")


@pytest.fixture(scope="session")
def sd_citizen(dopa: thaivc.PrivateKey, citizen: thaivc.PrivateKey) -> str:
    token: str = thaivc.Issuer(dopa).issue(citizen_doc(citizen.did), format="dc+sd-jwt", disclosable=DISCLOSABLE)
    return token
