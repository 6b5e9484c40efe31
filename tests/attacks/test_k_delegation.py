"""Attack group K (docs/security.md cases 67–70): delegation chains for juristic persons, with exact codes.

Each case goes through ``Verifier.authorize`` end to end: an accountant presents her ID, the
company certificate, the signing directors' IDs and the power-of-attorney chain to the Revenue
Department, and the decision must refuse with the catalogued code.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from delegation._helpers import ask, attachments, parsed, poa, root_poa
from thaivc.authorization.scenario import World
from thaivc.delegation import sign_as_director
from thaivc.keys import generate_key


@pytest.fixture
def world() -> World:
    return World()


def test_baseline_is_allowed(world: World) -> None:
    acct = world.person("somying")
    decision = ask(world, acct, [*attachments(world), root_poa(world, acct)])
    assert decision.allowed, decision.problems
    assert decision.via == "delegation" and len(decision.signers) == 2


# -- 67 wrong root ----------------------------------------------------------------------------


def test_67_company_credential_from_another_issuer(world: World) -> None:
    acct = world.person("somying")
    fake_dbd = generate_key("Ed25519")
    creds = [world.company_credential(issuer=fake_dbd), world.person("somsak").credential,
             world.person("piyanuch").credential, root_poa(world, acct)]
    decision = ask(world, acct, creds)
    assert decision.outcome == "refused"
    assert decision.code == "delegation.untrusted_root"


def test_67_root_not_issued_by_the_company(world: World) -> None:
    """A root issued in a director's own name rather than by the company itself."""
    acct = world.person("somying")
    doc = root_poa(world, acct)
    doc["issuer"] = world.person("somsak").did
    doc.pop("proof")
    for who in ("somsak", "piyanuch"):
        doc = sign_as_director(doc, world.person(who).key, clock=world.clock)
    assert ask(world, acct, [*attachments(world), doc]).code == "delegation.untrusted_root"


# -- 68 escalation or a broken link -------------------------------------------------------------


def test_68_child_grants_an_act_its_parent_lacks(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], acts=("tax_filing", "loan_signing"), parent=parsed(root))
    decision = ask(world, clerk, [*attachments(world), root, child], act="loan_signing")
    assert decision.code == "delegation.not_attenuated"


def test_68_child_raises_the_amount(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, max_value_thb=100_000, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root), max_value_thb=5_000_000)
    assert ask(world, clerk, [*attachments(world), root, child], value_thb=10).code == "delegation.not_attenuated"


def test_68_child_for_another_company(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root), grantor_id="0995545000021")
    assert ask(world, clerk, [*attachments(world), root, child]).code == "delegation.not_attenuated"


def test_68_link_signed_by_someone_other_than_the_parents_attorney(world: World) -> None:
    acct, clerk, mallory = world.person("somying"), world.person("somchai"), world.person("john")
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [mallory.key], parent=parsed(root))
    assert ask(world, clerk, [*attachments(world), root, child]).code == "delegation.broken_link"


def test_68_link_signed_by_the_attorney_and_an_outsider(world: World) -> None:
    acct, clerk, mallory = world.person("somying"), world.person("somchai"), world.person("john")
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key, mallory.key], parent=parsed(root))
    assert ask(world, clerk, [*attachments(world), root, child]).code == "delegation.broken_link"


def test_68_final_action_by_a_key_that_is_not_the_delegates(world: World) -> None:
    acct, mallory = world.person("somying"), world.person("john")
    decision = ask(world, mallory, [*attachments(world), root_poa(world, acct)])
    assert decision.code == "delegation.broken_link"


# -- 69 chain shape and time -------------------------------------------------------------------


def _chain(world: World, length: int) -> tuple[list[dict[str, Any]], Any]:
    people = [world.person("somying")] + [world.person(k) for k in ("somchai", "john", "boonmee", "wipa", "anucha",
                                                                    "kanchana", "namfon", "sunee", "maung", "pol_gen")]
    docs = [root_poa(world, people[0], sub_delegation_depth=10)]
    for i in range(1, length):
        docs.append(poa(world, people[i], [people[i - 1].key], parent=parsed(docs[-1]),
                        sub_delegation_depth=max(0, 10 - i)))
    return docs, people[length - 1]


def test_69_ten_links_are_accepted_eleven_are_not(world: World) -> None:
    docs, leaf = _chain(world, 10)
    assert ask(world, leaf, [*attachments(world), *docs]).allowed
    with pytest.raises(Exception):  # the 11th link cannot even be built: depth 10 is the ceiling
        _chain(world, 12)


def test_69_chain_longer_than_policy_maximum(world: World) -> None:
    docs, leaf = _chain(world, 4)
    decision = ask(world, leaf, [*attachments(world), *docs], policy=world.policy(max_chain_length=3))
    assert decision.code == "delegation.chain_invalid"


def test_69_cycle(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=2)
    a = poa(world, clerk, [acct.key], parent=parsed(root), sub_delegation_depth=1, credential_id="urn:uuid:a")
    b = poa(world, acct, [clerk.key], parent=parsed(a), credential_id="urn:uuid:b")
    # rewrite a to point at b: a → b → a, re-signed by the right attorney so only the shape is wrong
    a2 = copy.deepcopy(a)
    a2.pop("proof")
    a2["credentialSubject"]["parent"] = "urn:uuid:b"
    a2["issuer"] = acct.did
    a2 = sign_as_director(a2, acct.key, clock=world.clock)
    assert ask(world, clerk, [*attachments(world), root, a2, b]).code == "delegation.chain_invalid"


def test_69_child_valid_before_its_parent(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root), valid_from=world.iso(-10))
    assert ask(world, clerk, [*attachments(world), root, child]).code == "delegation.chain_invalid"


def test_69_child_outliving_its_parent(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=1, valid_until=world.iso(30))
    child = poa(world, clerk, [acct.key], parent=parsed(root), valid_until=world.iso(60))
    assert ask(world, clerk, [*attachments(world), root, child]).code == "delegation.chain_invalid"


def test_69_revoked_link(world: World) -> None:
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, sub_delegation_depth=1, status=True)
    child = poa(world, clerk, [acct.key], parent=parsed(root))
    world.revocations.revoke(root["credentialStatus"])
    decision = ask(world, clerk, [*attachments(world), root, child])
    assert decision.code == "delegation.chain_invalid"
    assert "revoked" in decision.problems[0].detail


def test_69_expired_link(world: World) -> None:
    acct = world.person("somying")
    doc = root_poa(world, acct, valid_until=world.iso(30))
    world.clock.advance(31 * 86400)
    assert ask(world, acct, [*attachments(world), doc]).code == "delegation.chain_invalid"


# -- 70 joint-signature quorum -----------------------------------------------------------------


def test_70_one_director_alone(world: World) -> None:
    acct = world.person("somying")
    doc = poa(world, acct, [world.person("somsak").key])
    assert ask(world, acct, [*attachments(world), doc]).code == "delegation.quorum_not_met"


def test_70_two_proofs_from_the_same_controller(world: World) -> None:
    acct = world.person("somying")
    doc = poa(world, acct, [world.person("somsak").key])
    doc["proof"] = [doc["proof"], copy.deepcopy(doc["proof"])]
    assert ask(world, acct, [*attachments(world), doc]).code == "delegation.quorum_not_met"


def test_70_one_director_signing_twice_with_two_wallets(world: World) -> None:
    """Somsak proofs his identity twice (two wallets, two DIDs) and signs with both."""
    acct = world.person("somying")
    somsak = world.person("somsak")
    second = world.person("somsak", issuer=world.dopa_key)  # a fresh wallet, same citizen
    doc = poa(world, acct, [somsak.key, second.key])
    creds = [world.company_credential(), somsak.credential, second.credential, doc]
    assert ask(world, acct, creds).code == "delegation.quorum_not_met"


def test_70_stripped_proof_set(world: World) -> None:
    acct = world.person("somying")
    doc = root_poa(world, acct)
    doc["proof"] = doc["proof"][:1]
    assert ask(world, acct, [*attachments(world), doc]).code == "delegation.quorum_not_met"


def test_33_an_invalid_member_fails_the_set(world: World) -> None:
    acct = world.person("somying")
    doc = root_poa(world, acct)
    doc["proof"][1]["proofValue"] = doc["proof"][0]["proofValue"]
    decision = ask(world, acct, [*attachments(world), doc])
    assert not decision.allowed
    assert decision.code == "vp.credential_invalid"
    assert "di.proof_invalid" in [p.code for p in decision.problems]
