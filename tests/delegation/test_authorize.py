"""Verifier.authorize: identities, the company, directors acting directly, and the decision's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thaivc.authorization.authorizer import AuthorityDecision, AuthorityPolicy
from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.core.errors import UsageError
from thaivc.engine.challenge import new_challenge
from thaivc.keys import generate_key

from ._helpers import RD, ask, attachments, root_poa


def test_allowed_decision_explains_itself(world: World) -> None:
    acct = world.person("somying")
    d = ask(world, acct, [*attachments(world), root_poa(world, acct)])
    assert d.allowed and d.outcome == "allowed" and d.code is None
    assert d.rule_alternative_en == "Any two directors sign jointly with the company seal"
    assert {b.director.name_th for b in d.signers} == {"นาย สมศักดิ์ ทองคำ", "นางสาว ปิยะนุช ศรีสยาม"}
    assert "บริษัท สยามบัญชี จำกัด" in d.explanation_th and d.explanation_en.startswith("Allowed")
    out = d.to_json()
    assert json.loads(json.dumps(out)) == out
    assert out["chain"] == list(d.chain) and len(out["signers"]) == 2


def test_company_data_from_a_live_dbd_lookup(world: World) -> None:
    acct = world.person("somying")
    ids = [world.person("somsak").credential, world.person("piyanuch").credential]
    assert ask(world, acct, [*ids, root_poa(world, acct)], dbd=world.dbd).allowed
    refused = ask(world, acct, [*ids, root_poa(world, acct)])
    assert refused.outcome == "indeterminate" and refused.code == "registry.unavailable"


def test_struck_off_company_is_refused(world: World) -> None:
    acct = world.person("somying")
    d = ask(world, acct, [world.person("somsak").credential], on_behalf_of="0995540000091", dbd=world.dbd)
    assert d.code == "authority.entity_inactive"
    assert "ร้าง" in d.explanation_th


def test_low_assurance_presenter_is_refused(world: World) -> None:
    weak = world.person("somying", issuer=world.dopa_key, face=False)  # card check only: IAL 2.1
    d = ask(world, weak, [*attachments(world), root_poa(world, weak)])
    assert d.code == "assurance.too_low"


def test_untrusted_identity_issuer_is_refused(world: World) -> None:
    stranger = world.person("somying", issuer=generate_key("Ed25519"))
    d = ask(world, stranger, [*attachments(world), root_poa(world, stranger)])
    assert d.code == "trust.untrusted_issuer"


def test_director_without_identity_credential_cannot_count(world: World) -> None:
    acct = world.person("somying")
    d = ask(world, acct, [world.company_credential(), world.person("somsak").credential, root_poa(world, acct)])
    assert d.code == "assurance.too_low" and "signer" in d.problems[0].detail


def test_non_director_signer_is_unmatched(world: World) -> None:
    acct, outsider = world.person("somying"), world.person("somchai")
    from ._helpers import poa

    doc = poa(world, acct, [world.person("somsak").key, outsider.key])
    creds = [world.company_credential(), world.person("somsak").credential, outsider.credential, doc]
    assert ask(world, acct, creds).code == "authority.director_unmatched"


def _direct(world: World, keys: list[str], *, seal: bool | None = True, value: int | None = None) -> AuthorityDecision:
    challenge = new_challenge()
    people = [world.person(k) for k in keys]
    vps = [world.present(p, [p.credential, world.company_credential()], challenge=challenge, domain=RD)
           for p in people]
    return world.verifier().authorize(vps, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge,
                                      domain=RD, policy=world.policy(), seal=seal, value_thb=value)


def test_two_directors_acting_directly(world: World) -> None:
    d = _direct(world, ["somsak", "piyanuch"])
    assert d.allowed and d.via == "direct" and d.chain == ()


def test_one_director_acting_alone_is_not_enough(world: World) -> None:
    assert _direct(world, ["somsak"]).code == "authority.not_satisfied"


def test_directors_without_the_seal(world: World) -> None:
    assert _direct(world, ["somsak", "piyanuch"], seal=None).code == "authority.seal_required"


def test_the_same_director_twice_is_one_signer(world: World) -> None:
    assert _direct(world, ["somsak", "somsak"]).code == "authority.not_satisfied"


def test_replayed_presentation_is_refused(world: World) -> None:
    acct = world.person("somying")
    challenge = new_challenge()
    vp = world.present(acct, [acct.credential, *attachments(world), root_poa(world, acct)], challenge=challenge,
                       domain=RD)
    verifier = world.verifier()
    policy = world.policy()
    assert verifier.authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge, domain=RD,
                              policy=policy, value_thb=1).allowed
    again = verifier.authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge, domain=RD,
                               policy=policy, value_thb=1)
    assert again.code == "vp.challenge_replayed"


def test_wrong_domain_is_refused(world: World) -> None:
    acct = world.person("somying")
    challenge = new_challenge()
    vp = world.present(acct, [acct.credential, *attachments(world), root_poa(world, acct)], challenge=challenge,
                       domain="https://www.dbd.go.th")
    d = world.verifier().authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge, domain=RD,
                                   policy=world.policy(), value_thb=1)
    assert d.code == "vp.domain_mismatch"


def test_garbage_presentation_is_refused_not_raised(world: World) -> None:
    d = world.verifier().authorize("not a token", act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge="c",
                                   domain=RD, policy=world.policy())
    assert d.outcome == "refused" and d.code


@pytest.mark.parametrize("kwargs", [
    {"on_behalf_of": "123"}, {"act": "Tax Filing"}, {"value_thb": -5}, {"policy": None},
])
def test_misuse_raises_usage_error(world: World, kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"act": "tax_filing", "on_behalf_of": DEMO_COMPANY, "challenge": "c", "domain": RD,
                               "policy": world.policy()}
    args.update(kwargs)
    with pytest.raises(UsageError):
        world.verifier().authorize("x", **args)  # type: ignore[arg-type]


def test_policy_validates_itself() -> None:
    with pytest.raises(UsageError):
        AuthorityPolicy(citizen_issuers={"did:x"})  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        AuthorityPolicy(citizen_issuers=frozenset(), max_chain_length=11)


def test_delegations_bypass_the_generic_issuer_binding(world: World) -> None:
    """A root is issued by the company but signed by directors: a generic Data Integrity check that
    insists the issuer signs must not be what judges it (its proofs, time and status are judged
    as a proof set and a chain). Public inputs only: the same verifier's generic check refuses the
    very document (``di.vm_not_authorized``), so an authorize that fell back to it would refuse too."""
    acct = world.person("somying")
    root = root_poa(world, acct)
    generic = world.verifier().check(root)
    assert generic.status == "failed" and generic.codes == ["di.vm_not_authorized"], generic.codes
    assert ask(world, acct, [*attachments(world), root]).allowed


def test_an_act_with_several_tags_is_covered_by_any_delegated_one(world: World) -> None:
    from thaivc.authority import Act

    acct = world.person("somying")
    creds = [*attachments(world), root_poa(world, acct, acts=("government",))]
    both = Act(tags=frozenset({"tax_filing", "government"}))
    assert ask(world, acct, creds, act=both).allowed
    assert ask(world, acct, creds, act="tax_filing").code == "delegation.scope_exceeded"


def test_revocation_through_a_bitstring_status_list(world: World, tmp_path: Path) -> None:
    """The Bitstring Status List stack (SQLite store, signed list, StatusChecker) behind authorize."""
    from thaivc.authorization.scenario import StatusService
    from thaivc.delegation import juristic_issuer_id

    from ._helpers import poa

    service = StatusService(tmp_path, issuer_id=juristic_issuer_id(DEMO_COMPANY), clock=world.clock)
    acct = world.person("somying")
    entry = service.allocate("urn:uuid:poa-1")
    doc = poa(world, acct, [world.person("somsak").key, world.person("piyanuch").key], credential_id="urn:uuid:poa-1",
              credential_status=entry)

    def decide() -> AuthorityDecision:
        challenge = new_challenge()
        vp = world.present(acct, [acct.credential, *attachments(world), doc], challenge=challenge, domain=RD)
        return world.verifier(service.checker()).authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY,
                                                           challenge=challenge, domain=RD, policy=world.policy())

    assert decide().allowed
    service.revoke("urn:uuid:poa-1")
    refused = decide()
    assert refused.code == "delegation.chain_invalid" and "revoked" in refused.problems[0].detail
