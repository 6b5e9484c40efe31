"""Item 8: "act for company X" through OpenID4VP ends in Verifier.authorize's decision."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from thaivc.authorization.scenario import DEMO_COMPANY, Person, World
from thaivc.delegation import delegation_credential, sign_as_director
from thaivc.keys import Signer
from thaivc.oid4vc import MemoryStateStore
from thaivc.oid4vp.juristic import JuristicActVerifier
from thaivc.oid4vp.verifier import VerifierConfig
from thaivc.testing.x509 import x509_client
from thaivc.wallet.present import PresentationWallet

from .conftest import mount

HOST = "rd.go.th"


def poa(world: World, attorney: Person, signers: list[Signer]) -> dict[str, Any]:
    """A power of attorney for tax filing to ``attorney``, signed in turn by each of ``signers``."""
    doc = delegation_credential(grantor_name_th="บริษัท สยามบัญชี จำกัด", attorney_did=attorney.did,
                                attorney_citizen_id=attorney.citizen_id, acts=["tax_filing"],
                                valid_from=world.iso(), valid_until=world.iso(365), company_seal=True,
                                grantor_id=DEMO_COMPANY)
    for key in signers:
        doc = sign_as_director(doc, key, clock=world.clock)
    return doc


def root_poa(world: World, attorney: Person) -> dict[str, Any]:
    return poa(world, attorney, [world.person("somsak").key, world.person("piyanuch").key])


@pytest.fixture
def world() -> World:
    return World()


def _setup(world: World) -> tuple[JuristicActVerifier, httpx.Client, Any]:
    rd = x509_client(HOST)
    config = VerifierConfig(client_id=f"x509_san_dns:{HOST}", base_url=f"https://{HOST}/oid4vp")
    verifier = JuristicActVerifier(config, world.verifier(), MemoryStateStore(), policy=world.policy(),
                                   signer=rd.signer, x5c=rd.chain)
    return verifier, httpx.Client(transport=httpx.MockTransport(mount(verifier))), rd


def _attachments(world: World, delegation: dict[str, Any]) -> list[Any]:
    return [world.company_credential(), world.person("somsak").credential, world.person("piyanuch").credential,
            delegation]


def test_attorney_acts_for_the_company(world: World) -> None:
    verifier, http, rd = _setup(world)
    acct = world.person("somying")
    tx = verifier.create_act("tax_filing", DEMO_COMPANY, value_thb=100_000)
    wallet = PresentationWallet(acct.key, http=http, x509_anchors=[rd.anchor])
    wallet.store(acct.credential)
    answer = wallet.present(tx.link, attach={"act": _attachments(world, root_poa(world, acct))})
    assert answer.status_code == 200, answer.text
    result = verifier.result(tx.id)
    assert result is not None and result.ok, result and result.problems
    assert result.decision is not None
    assert result.decision["outcome"] == "allowed" and result.decision["via"] == "delegation"
    assert result.decision["on_behalf_of"] == DEMO_COMPANY


def test_delegation_signed_by_one_director_is_refused(world: World) -> None:
    verifier, http, rd = _setup(world)
    acct = world.person("somying")
    tx = verifier.create_act("tax_filing", DEMO_COMPANY, value_thb=100_000)
    wallet = PresentationWallet(acct.key, http=http, x509_anchors=[rd.anchor])
    wallet.store(acct.credential)
    weak = poa(world, acct, [world.person("somsak").key])
    wallet.present(tx.link, attach={"act": _attachments(world, weak)})
    result = verifier.result(tx.id)
    assert result is not None and not result.ok
    assert result.decision is not None and result.decision["outcome"] == "refused"
    assert result.code == "delegation.quorum_not_met"


def test_act_outside_the_delegation(world: World) -> None:
    verifier, http, rd = _setup(world)
    acct = world.person("somying")
    tx = verifier.create_act("sell_land", DEMO_COMPANY, value_thb=100_000)
    wallet = PresentationWallet(acct.key, http=http, x509_anchors=[rd.anchor])
    wallet.store(acct.credential)
    wallet.present(tx.link, attach={"act": _attachments(world, root_poa(world, acct))})
    result = verifier.result(tx.id)
    assert result is not None and not result.ok
    assert result.decision is not None and result.decision["outcome"] != "allowed"
