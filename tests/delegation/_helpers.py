"""Builders shared by the delegation and attack-group-K tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thai_text import assert_thai
from thaivc.authorization.authorizer import AuthorityDecision
from thaivc.authorization.scenario import DEMO_COMPANY, Person, World
from thaivc.delegation import Delegation, delegation_credential, parse_delegation, sign_as_director
from thaivc.engine.challenge import new_challenge
from thaivc.keys import Signer

RD = "https://rd.go.th"
COMPANY_NAME = "บริษัท สยามบัญชี จำกัด"


def poa(world: World, attorney: Person, signers: Sequence[Signer], *, acts: Sequence[str] = ("tax_filing",),
        parent: Delegation | None = None, status: bool = False, **kw: Any) -> dict[str, Any]:
    """A delegation to ``attorney``, signed in turn by each of ``signers``."""
    args: dict[str, Any] = {"valid_from": world.iso(), "valid_until": world.iso(365), "company_seal": True,
                            "grantor_id": DEMO_COMPANY,
                            "credential_status": world.revocations.allocate() if status else None}
    args.update(kw)
    doc = delegation_credential(grantor_name_th=COMPANY_NAME, attorney_did=attorney.did,
                                attorney_citizen_id=attorney.citizen_id, acts=acts, parent=parent, **args)
    for key in signers:
        doc = sign_as_director(doc, key, clock=world.clock)
    return doc


def root_poa(world: World, attorney: Person, **kw: Any) -> dict[str, Any]:
    """The demo's power of attorney: both directors sign, seal declared."""
    return poa(world, attorney, [world.person("somsak").key, world.person("piyanuch").key], **kw)


def attachments(world: World) -> list[Any]:
    """The company certificate and the signing directors' ID credentials, as on paper."""
    return [world.company_credential(), world.person("somsak").credential, world.person("piyanuch").credential]


def ask(world: World, actor: Person, credentials: Sequence[Any], *, act: Any = "tax_filing",
        value_thb: int | None = 100_000, on_behalf_of: str = DEMO_COMPANY, **kw: Any) -> AuthorityDecision:
    """The actor presents ``credentials`` (their own ID first) to the Revenue Department."""
    challenge = new_challenge()
    vp = world.present(actor, [actor.credential, *credentials], challenge=challenge, domain=RD)
    policy = kw.pop("policy", None) or world.policy()
    decision = world.verifier().authorize(vp, act=act, on_behalf_of=on_behalf_of, challenge=challenge, domain=RD,
                                          value_thb=value_thb, policy=policy, **kw)
    assert_thai(decision.explanation_th)  # every decision any test produces is shown to a citizen in Thai
    return decision


def parsed(doc: dict[str, Any]) -> Delegation:
    return parse_delegation(doc)
