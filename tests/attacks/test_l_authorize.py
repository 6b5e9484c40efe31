"""Attack group L (2026 review), items 1, 3 and 16: ``Verifier.authorize`` and what it accepts.

* L.1 — every top-level item is a genuine presentation, signed for ``authentication`` by a key of
  its ``holder``, answering the call's challenge and domain; the proof-set path is for embedded
  delegations only, and only for documents that parse as one. ``authorize`` never copies or
  patches the caller's verifier.
* L.16 — directors acting directly may use Data Integrity presentations (or mix formats); the
  challenge store is consumed exactly once per call, whatever the formats, so a replay is refused.
* L.3 — a live DBD lookup beats a presented company credential (any difference is refused);
  without one, the company data must be recent and carry ``validUntil``.

Every case goes through the public API end to end, with the exact problem code asserted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from delegation._helpers import RD, ask, attachments, poa, root_poa
from thaivc.authorization.authorizer import AuthorityDecision, AuthorityPolicy
from thaivc.authorization.scenario import DEMO_COMPANY, Person, World
from thaivc.core.errors import UsageError
from thaivc.credentials import CardData, issue_juristic, proof_citizen
from thaivc.credentials.types import juristic_credential
from thaivc.delegation import delegation_credential
from thaivc.di import add_proof
from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, UniversalResolver, VerificationMethod
from thaivc.engine.challenge import MemoryChallengeStore, new_challenge
from thaivc.engine.holder import Holder
from thaivc.engine.issuer import Issuer
from thaivc.engine.verifier import Verifier
from thaivc.jose.compact import parse_compact, sign_compact
from thaivc.keys import PrivateKey, generate_key
from thaivc.registries.dbd import Director, JuristicPerson
from thaivc.thai import ThaiName

from .conftest import StaticResolver

HOLDER_TERM = {"holder": {"@id": "https://www.w3.org/2018/credentials#holder", "@type": "@id"}}


@pytest.fixture
def world() -> World:
    return World()


def _decide(world: World, items: object, challenge: str | None, *, verifier: Verifier | None = None,
            seal: bool | None = True, **kw: Any) -> AuthorityDecision:
    policy = kw.pop("policy", None) or world.policy()
    return (verifier or world.verifier()).authorize(items, act="tax_filing", on_behalf_of=DEMO_COMPANY,
                                                    challenge=challenge, domain=RD, policy=policy, seal=seal, **kw)


def _vp(world: World, person: Person, creds: Sequence[Any], challenge: str, fmt: str = "vp+jwt", *,
        domain: str | None = RD, **options: Any) -> Any:
    return Holder(person.key, clock=world.clock).present(list(creds), challenge=challenge, domain=domain,
                                                         format=fmt, **options)  # type: ignore[arg-type]


def _payload(token: str) -> dict[str, Any]:
    return dict(parse_compact(token, expected_typ=frozenset({"vc+jwt"})).payload)


def _refused(decision: AuthorityDecision, code: str) -> None:
    assert decision.outcome == "refused", decision.to_json()
    assert decision.code == code, decision.to_json()
    assert not decision.signers or not decision.allowed


# -- L.1 a presentation is not a presentation unless it is one -------------------------------------


def _consent_forgery(world: World, signer: Person, named: Person, variant: str) -> dict[str, Any]:
    """A DelegationCredential-shaped document naming ``named`` as holder, signed by ``signer``."""
    doc = poa(world, world.person("somying"), [])
    if variant == "inline-holder-term":
        doc["@context"] = [*doc["@context"], HOLDER_TERM]
    else:  # typed as a presentation too, so ``holder`` expands
        doc["type"] = [*doc["type"], "VerifiablePresentation"]
    doc["holder"] = named.did
    return add_proof(doc, signer.key, "eddsa-jcs-2022", clock=world.clock)


@pytest.mark.parametrize("variant", ["inline-holder-term", "typed-as-presentation-too"])
def test_l1_delegation_shaped_consent_from_another_director(world: World, variant: str) -> None:
    """The review's exploit: director A alone does a two-director act with a forged "consent" of B."""
    a, b = world.person("somsak"), world.person("piyanuch")
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, b.credential, world.company_credential()], challenge)
    decision = _decide(world, [vp_a, _consent_forgery(world, a, b, variant)], challenge)
    _refused(decision, "vp.malformed")


@pytest.mark.parametrize("first", [True, False])
def test_l1_genuine_delegation_at_top_level_is_never_a_consent(world: World, first: bool) -> None:
    """Even a genuine, fully signed power of attorney is not a presentation by anyone."""
    somsak = world.person("somsak")
    challenge = new_challenge()
    vp = _vp(world, somsak, [somsak.credential, *attachments(world)], challenge)
    root = root_poa(world, world.person("somying"))
    items = [root, vp] if first else [vp, root]
    _refused(_decide(world, items, challenge), "vp.malformed")
    _refused(_decide(world, root, new_challenge()), "vp.malformed")


def _copied_credential(world: World, person: Person, fmt: str, challenge: str) -> Any:
    """``person``'s citizen credential with no presentation by its holder around it — or, for SD-JWT,
    key-bound to the challenge but naming no holder DID a director could be bound through."""
    if fmt == "vc+jwt":
        return person.credential
    body = {k: v for k, v in _payload(person.credential).items() if k not in ("iat", "exp", "nbf", "iss", "sub")}
    if fmt == "di":
        return Issuer(world.dopa_key, clock=world.clock).issue(body, format="di")
    sd_jwt = Issuer(world.dopa_key, clock=world.clock).issue(body, format="dc+sd-jwt")
    return Holder(person.key, clock=world.clock).present([sd_jwt], challenge=challenge, domain=RD,
                                                         format="dc+sd-jwt", disclose=[])


@pytest.mark.parametrize("fmt", ["vc+jwt", "di", "dc+sd-jwt"])
def test_l1_a_copied_credential_is_not_a_consent(world: World, fmt: str) -> None:
    somsak, piyanuch = world.person("somsak"), world.person("piyanuch")
    challenge = new_challenge()
    vp = _vp(world, somsak, [somsak.credential, piyanuch.credential, world.company_credential()], challenge)
    copied = _copied_credential(world, piyanuch, fmt, challenge)
    _refused(_decide(world, [vp, copied], challenge), "vp.malformed")


def test_l1_presentation_signed_by_someone_other_than_its_holder(world: World) -> None:
    """B is named as holder, A signs: in both formats the signature must come from the holder."""
    a, b = world.person("somsak"), world.person("piyanuch")
    creds = [a.credential, b.credential, world.company_credential()]
    challenge = new_challenge()
    vp_a = _vp(world, a, creds, challenge)
    unsigned = Holder(b.key, clock=world.clock).presentation([b.credential])
    di = add_proof(unsigned, a.key, "eddsa-jcs-2022", proof_purpose="authentication", challenge=challenge,
                   domain=RD, clock=world.clock)
    _refused(_decide(world, [vp_a, di], challenge), "di.vm_not_authorized")
    now = int(world.clock.now())
    payload = {**unsigned, "nonce": challenge, "aud": RD, "iat": now, "exp": now + 600}
    jwt = sign_compact({"alg": a.key.algorithm, "typ": "vp+jwt", "kid": a.key.kid}, payload, a.key)
    _refused(_decide(world, [vp_a, jwt], challenge), "vp.holder_key_mismatch")


def _web_director(world: World, name: str) -> tuple[Person, PrivateKey, Verifier]:
    """A director whose did:web lists key-1 under assertionMethod only and key-2 under authentication."""
    did = f"did:web:{name}.example"
    assertion = generate_key("Ed25519").bind(did, did + "#key-1")
    auth = generate_key("Ed25519").bind(did, did + "#key-2")
    doc = DidDocument(id=did, verification_methods=(
        VerificationMethod(did + "#key-1", "Multikey", did, assertion.public_key),
        VerificationMethod(did + "#key-2", "Multikey", did, auth.public_key)),
        assertion_method=(did + "#key-1",), authentication=(did + "#key-2",))
    entry = world.citizen_record(name)
    n = entry["name"]
    card = CardData(entry["citizen_id"], ThaiName(title_th=n["title_th"], given_th=n["given_th"],
                                                  family_th=n["family_th"]), entry["birth_date_be"],
                    entry["card"]["laser_code"])
    result = proof_citizen(card, dopa=world.dopa, issuer=Issuer(world.dopa_key, clock=world.clock), subject_did=did,
                           face=world.dopa, face_image_ref=f"img:{name}:live", liveness=True)
    assert result.ok, result.problems
    person = Person(name, entry["citizen_id"], n["title_th"], n["given_th"], n["family_th"], assertion,
                    str(result.credential))
    resolver = UniversalResolver({"key": DidKeyResolver(), "jwk": DidJwkResolver(),
                                  "web": StaticResolver({did: doc})})
    return person, auth, Verifier(clock=world.clock, status_checker=world.revocations, resolver=resolver)


@pytest.mark.parametrize("fmt", ["vp+jwt", "di"])
def test_l1_presentation_key_must_be_authorised_for_authentication(world: World, fmt: str) -> None:
    somsak = world.person("somsak")
    piyanuch, auth_key, verifier = _web_director(world, "piyanuch")
    company = world.company_credential()
    challenge = new_challenge()
    vp_s = _vp(world, somsak, [somsak.credential, company], challenge, fmt)
    wrong = _vp(world, piyanuch, [piyanuch.credential], challenge, fmt)  # signed with the assertion key
    code = "did.vm_not_authorized" if fmt == "vp+jwt" else "di.vm_not_authorized"
    _refused(_decide(world, [vp_s, wrong], challenge, verifier=verifier), code)
    challenge = new_challenge()
    vp_s = _vp(world, somsak, [somsak.credential, company], challenge, fmt)
    right = Holder(auth_key, clock=world.clock).present([piyanuch.credential], challenge=challenge, domain=RD,
                                                        format=fmt)  # type: ignore[arg-type]
    assert _decide(world, [vp_s, right], challenge, verifier=verifier).allowed


def test_l1_di_presentation_proof_purpose_must_be_authentication(world: World) -> None:
    a, b = world.person("somsak"), world.person("piyanuch")
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, world.company_credential()], challenge, "di")
    unsigned = Holder(b.key, clock=world.clock).presentation([b.credential])
    asserted = add_proof(unsigned, b.key, "eddsa-jcs-2022", proof_purpose="assertionMethod", challenge=challenge,
                         domain=RD, clock=world.clock)
    decision = _decide(world, [vp_a, asserted], challenge)
    assert decision.outcome == "refused" and decision.code is not None and decision.code.startswith("di."), decision


@pytest.mark.parametrize("fmt", ["vp+jwt", "di"])
def test_l1_every_presentation_answers_the_challenge_and_domain(world: World, fmt: str) -> None:
    a, b = world.person("somsak"), world.person("piyanuch")
    company = world.company_credential()
    prefix = "vp" if fmt == "vp+jwt" else "di"
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, company], challenge, fmt)
    other = _vp(world, b, [b.credential], new_challenge(), fmt)
    _refused(_decide(world, [vp_a, other], challenge), f"{prefix}.challenge_mismatch")
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, company], challenge, fmt)
    elsewhere = _vp(world, b, [b.credential], challenge, fmt, domain="https://www.dbd.go.th")
    _refused(_decide(world, [vp_a, elsewhere], challenge), f"{prefix}.domain_mismatch")
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, company], challenge, fmt)
    nowhere = _vp(world, b, [b.credential], challenge, fmt, domain=None)
    _refused(_decide(world, [vp_a, nowhere], challenge), f"{prefix}.domain_mismatch")


@pytest.mark.parametrize("fmt", ["vp+jwt", "di"])
def test_l1_a_presentation_must_name_its_holder(world: World, fmt: str) -> None:
    a, b = world.person("somsak"), world.person("piyanuch")
    challenge = new_challenge()
    vp_a = _vp(world, a, [a.credential, world.company_credential()], challenge)
    unsigned = Holder(b.key, clock=world.clock).presentation([b.credential])
    del unsigned["holder"]
    if fmt == "di":
        anonymous: Any = add_proof(unsigned, b.key, "eddsa-jcs-2022", proof_purpose="authentication",
                                   challenge=challenge, domain=RD, clock=world.clock)
    else:
        now = int(world.clock.now())
        payload = {**unsigned, "nonce": challenge, "aud": RD, "iat": now, "exp": now + 600}
        anonymous = sign_compact({"alg": b.key.algorithm, "typ": "vp+jwt", "kid": b.key.kid}, payload, b.key)
    _refused(_decide(world, [vp_a, anonymous], challenge), "vp.holder_mismatch")


def test_l1_no_challenge_no_decision(world: World) -> None:
    """Without a challenge nothing ties the presentations to this request: nothing is decided."""
    a, b = world.person("somsak"), world.person("piyanuch")
    company = world.company_credential()
    vps = [_vp(world, p, [p.credential, company], None) for p in (a, b)]  # type: ignore[arg-type]
    lax = Verifier(clock=world.clock, status_checker=world.revocations)
    lax.policy = lax.policy.model_copy(update={"require_challenge": False})
    _refused(_decide(world, vps, None, verifier=lax), "vp.challenge_missing")


def test_l1_a_retyped_credential_is_not_a_delegation(world: World) -> None:
    """A document that is a delegation *and* a citizen credential is neither: the DelegationCredential
    type never moves a credential off the issuer-signs path (here: an identity "issued by DOPA"
    but signed by a second wallet of director A)."""
    a, acct = world.person("somsak"), world.person("somying")
    real = _payload(world.person("piyanuch").credential)
    mallory = generate_key("Ed25519")
    forged = poa(world, acct, [])
    forged["@context"] = list(dict.fromkeys([*forged["@context"], *real["@context"]]))
    forged["type"] = [*forged["type"], "ThaiCitizenCredential"]
    forged["issuer"] = real["issuer"]
    forged = add_proof(forged, mallory, "eddsa-jcs-2022", clock=world.clock)
    root = poa(world, acct, [a.key, mallory])
    decision = ask(world, acct, [world.company_credential(), a.credential, forged, root])
    _refused(decision, "vp.credential_invalid")
    assert "di.vm_not_authorized" in [p.code for p in decision.problems], decision.to_json()  # issuer must sign


def test_l1_a_delegation_secured_as_a_jwt_is_not_a_delegation(world: World) -> None:
    """A DelegationCredential signed as ``vc+jwt`` by a director is not a proof set of the company."""
    somsak, acct = world.person("somsak"), world.person("somying")
    body = delegation_credential(grantor_id=DEMO_COMPANY, grantor_name_th="บริษัท สยามบัญชี จำกัด",
                                 attorney_did=acct.did, attorney_citizen_id=acct.citizen_id, acts=["tax_filing"],
                                 valid_from=world.iso(), valid_until=world.iso(30), company_seal=True)
    body["issuer"] = somsak.did
    token = Issuer(somsak.key, clock=world.clock).issue(body)
    decision = ask(world, acct, [*attachments(world), token])
    _refused(decision, "vp.credential_invalid")


def _sd_jwt_claiming_dopa(world: World, victim: Person, signer: PrivateKey) -> str:
    """An SD-JWT VC whose body names DOPA as ``issuer`` but which ``signer`` signed (``iss``)."""
    from thaivc.sdjwt import issue_sd_jwt

    body = {k: v for k, v in _payload(victim.credential).items() if k not in ("iat", "exp", "nbf", "iss", "sub")}
    body["credentialSubject"] = dict(body["credentialSubject"], id=signer.did)
    claims = dict(body, iss=signer.did, iat=int(world.clock.now()), vct="https://example.th/citizen")
    return issue_sd_jwt(claims, disclosable=[], signer=signer, holder_jwk=signer.public_jwk)


def test_l1_an_sd_jwt_naming_another_issuer_is_not_that_issuers(world: World) -> None:
    """Director A's second wallet carries an SD-JWT "issued by DOPA" (body) but signed by itself (iss)."""
    a, b = world.person("somsak"), world.person("piyanuch")
    mallory = generate_key("Ed25519")
    forged = _sd_jwt_claiming_dopa(world, b, mallory)
    challenge = new_challenge()
    vps = [_vp(world, a, [a.credential, world.company_credential()], challenge),
           Holder(mallory, clock=world.clock).present([forged], challenge=challenge, domain=RD)]
    decision = _decide(world, vps, challenge)
    _refused(decision, "vp.credential_invalid")
    assert "vc.issuer_mismatch" in [p.code for p in decision.problems]
    challenge = new_challenge()
    vp = Holder(mallory, clock=world.clock).present([forged], challenge=challenge, domain=RD)
    report = world.verifier().check(vp, challenge=challenge, domain=RD)
    assert report.status == "failed" and "vc.issuer_mismatch" in report.children[0].codes


class _Sealed(Verifier):
    """A verifier that fails the test if anyone copies it or sets an attribute after construction."""

    _sealed = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_sealed", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._sealed:
            raise AssertionError(f"something assigned {name} on the caller's verifier")
        super().__setattr__(name, value)

    def __copy__(self) -> _Sealed:
        raise AssertionError("something copied the caller's verifier")

    def __deepcopy__(self, memo: object) -> _Sealed:
        raise AssertionError("something copied the caller's verifier")


@pytest.mark.parametrize("fmt", ["vp+jwt", "di"])
def test_l1_authorize_never_copies_or_patches_the_verifier(world: World, fmt: str) -> None:
    verifier = _Sealed(clock=world.clock, status_checker=world.revocations)
    before = dict(vars(verifier))
    acct = world.person("somying")
    challenge = new_challenge()
    vp = _vp(world, acct, [acct.credential, *attachments(world), root_poa(world, acct)], challenge, fmt)
    assert _decide(world, vp, challenge, verifier=verifier, value_thb=1).allowed
    company = world.company_credential()
    challenge = new_challenge()
    vps = [_vp(world, world.person(k), [world.person(k).credential, company], challenge, fmt)
           for k in ("somsak", "piyanuch")]
    assert _decide(world, vps, challenge, verifier=verifier).allowed
    assert vars(verifier) == before
    assert "_check_data_integrity" not in vars(verifier)


# -- L.16 every format takes the same path ---------------------------------------------------------


class _CountingStore:
    def __init__(self) -> None:
        self.inner = MemoryChallengeStore()
        self.calls: list[str] = []

    def consume(self, challenge: str) -> bool:
        self.calls.append(challenge)
        return self.inner.consume(challenge)


FORMATS = [("di", "di"), ("di", "vp+jwt"), ("vp+jwt", "di"), ("vp+jwt", "vp+jwt")]


@pytest.mark.parametrize("formats", FORMATS, ids=["+".join(f) for f in FORMATS])
def test_l16_directors_act_directly_in_any_format_and_a_replay_is_refused(world: World,
                                                                          formats: tuple[str, str]) -> None:
    store = _CountingStore()
    verifier = Verifier(clock=world.clock, status_checker=world.revocations, challenge_store=store)
    company = world.company_credential()
    challenge = new_challenge()
    vps = [_vp(world, world.person(k), [world.person(k).credential, company], challenge, f)
           for k, f in zip(("somsak", "piyanuch"), formats, strict=True)]
    decision = _decide(world, vps, challenge, verifier=verifier)
    assert decision.allowed, decision.to_json()
    assert decision.via == "direct" and len(decision.signers) == 2
    assert store.calls == [challenge]  # consumed exactly once for the whole call
    again = _decide(world, vps, challenge, verifier=verifier)
    assert again.outcome == "refused"
    assert again.code == "vp.challenge_replayed", again.to_json()
    assert not again.signers


@pytest.mark.parametrize("outer", ["vp+jwt", "di"])
def test_l16_an_sd_jwt_identity_rides_inside_a_presentation(world: World, outer: str) -> None:
    """Mixed formats: Somsak's ID is an SD-JWT VC inside his presentation, Piyanuch answers in the
    other format; one challenge, consumed once, and the replay refused."""
    store = _CountingStore()
    verifier = Verifier(clock=world.clock, status_checker=world.revocations, challenge_store=store)
    somsak, piyanuch = world.person("somsak"), world.person("piyanuch")
    body = {k: v for k, v in _payload(somsak.credential).items() if k not in ("iat", "exp", "nbf", "iss", "sub")}
    sd_id = Issuer(world.dopa_key, clock=world.clock).issue(body, format="dc+sd-jwt")
    company = world.company_credential()
    challenge = new_challenge()
    other = "di" if outer == "vp+jwt" else "vp+jwt"
    vps = [_vp(world, somsak, [sd_id, company], challenge, outer),
           _vp(world, piyanuch, [piyanuch.credential], challenge, other)]
    decision = _decide(world, vps, challenge, verifier=verifier)
    assert decision.allowed, decision.to_json()
    assert store.calls == [challenge]
    again = _decide(world, vps, challenge, verifier=verifier)
    assert again.outcome == "refused" and again.code == "vp.challenge_replayed"


@pytest.mark.parametrize("fmt", ["vp+jwt", "di"])
def test_l16_an_attorney_presents_in_any_format_once(world: World, fmt: str) -> None:
    store = _CountingStore()
    verifier = Verifier(clock=world.clock, status_checker=world.revocations, challenge_store=store)
    acct = world.person("somying")
    challenge = new_challenge()
    vp = _vp(world, acct, [acct.credential, *attachments(world), root_poa(world, acct)], challenge, fmt)
    decision = _decide(world, vp, challenge, verifier=verifier, value_thb=1)
    assert decision.allowed and decision.via == "delegation", decision.to_json()
    assert store.calls == [challenge]
    again = _decide(world, vp, challenge, verifier=verifier, value_thb=1)
    assert again.outcome == "refused" and again.code == "vp.challenge_replayed"


def test_l16_one_presentation_twice_is_one_signer_in_every_format(world: World) -> None:
    somsak = world.person("somsak")
    challenge = new_challenge()
    vp = _vp(world, somsak, [somsak.credential, world.company_credential()], challenge, "di")
    _refused(_decide(world, [vp, vp], challenge), "authority.not_satisfied")


# -- L.3 live registry beats an old copy -----------------------------------------------------------


class _ChangedDbd:
    """DBD after the company's credential was issued: the live record differs by ``changes``."""

    def __init__(self, world: World, **changes: Any) -> None:
        self.world, self.changes = world, changes

    def lookup(self, juristic_id: str) -> JuristicPerson:
        return dataclasses.replace(self.world.dbd.lookup(juristic_id), **self.changes)


def _direct(world: World, **kw: Any) -> AuthorityDecision:
    company = world.company_credential()
    challenge = new_challenge()
    vps = [_vp(world, world.person(k), [world.person(k).credential, company], challenge)
           for k in ("somsak", "piyanuch")]
    return _decide(world, vps, challenge, **kw)


def test_l3_live_registry_and_a_matching_credential_agree(world: World) -> None:
    assert _direct(world, dbd=world.dbd).allowed


def test_l3_live_status_beats_a_presented_active_copy(world: World) -> None:
    decision = _direct(world, dbd=_ChangedDbd(world, status_th="ร้าง"))
    _refused(decision, "authority.entity_inactive")
    assert "authority.company_data_mismatch" in [p.code for p in decision.problems]


def test_l3_live_committee_beats_a_presented_copy(world: World) -> None:
    live = world.dbd.lookup(DEMO_COMPANY)
    somsak_only = tuple(d for d in live.directors if d.first_name != "ปิยะนุช")
    newcomer = Director("นาย", "สมชาย", "ใหม่", "K", 9)
    _refused(_direct(world, dbd=_ChangedDbd(world, directors=(*somsak_only, newcomer))),
             "authority.company_data_mismatch")


def test_l3_live_clause_beats_a_presented_copy(world: World) -> None:
    """The register now needs the seal and three directors; the old copy said two."""
    _refused(_direct(world, dbd=_ChangedDbd(world, signing_clause_th="กรรมการหนึ่งคนลงลายมือชื่อ")),
             "authority.company_data_mismatch")


def _company_credential(world: World, *, issued_days_ago: float, valid_until: str | None) -> str:
    company = world.dbd.lookup(DEMO_COMPANY)
    stamp = world.clock.now() - issued_days_ago * 86400
    doc = juristic_credential(company, retrieved_at=stamp, source="dbd:fake", valid_until=valid_until)
    doc["validFrom"] = datetime.fromtimestamp(int(stamp), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    token: str = Issuer(world.dbd_key, clock=world.clock).issue(doc)
    return token


def _direct_with(world: World, company: str, **kw: Any) -> AuthorityDecision:
    challenge = new_challenge()
    vps = [_vp(world, world.person(k), [world.person(k).credential, company], challenge)
           for k in ("somsak", "piyanuch")]
    return _decide(world, vps, challenge, **kw)


@pytest.mark.parametrize("days", [31, 400])
def test_l3_without_a_live_lookup_old_company_data_is_stale(world: World, days: int) -> None:
    company = _company_credential(world, issued_days_ago=days, valid_until=world.iso(365))
    _refused(_direct_with(world, company), "authority.company_data_stale")
    if days < 60:
        assert _direct_with(world, company, policy=world.policy(max_company_data_age=timedelta(days=60))).allowed
    assert _direct_with(world, company, dbd=world.dbd).allowed  # a live lookup vouches for it


def test_l3_without_a_live_lookup_company_data_must_expire(world: World) -> None:
    company = _company_credential(world, issued_days_ago=1, valid_until=None)
    _refused(_direct_with(world, company), "authority.company_data_stale")
    fresh = _company_credential(world, issued_days_ago=1, valid_until=world.iso(20))
    assert _direct_with(world, fresh).allowed


def test_l3_two_company_credentials_that_disagree_are_refused(world: World) -> None:
    old = _company_credential(world, issued_days_ago=2, valid_until=world.iso(20))
    stale_dbd = _ChangedDbd(world, signing_clause_th="กรรมการหนึ่งคนลงลายมือชื่อ")
    other = str(issue_juristic(DEMO_COMPANY, dbd=stale_dbd, issuer=Issuer(world.dbd_key, clock=world.clock))
                .credential)
    challenge = new_challenge()
    somsak = world.person("somsak")
    vp = _vp(world, somsak, [somsak.credential, other, old], challenge)
    _refused(_decide(world, vp, challenge), "authority.company_data_mismatch")


def test_l3_issue_juristic_sets_a_valid_until_by_default(world: World) -> None:
    issued = issue_juristic(DEMO_COMPANY, dbd=world.dbd, issuer=Issuer(world.dbd_key, clock=world.clock))
    doc = _payload(str(issued.credential))
    start = datetime.fromisoformat(doc["validFrom"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(doc["validUntil"].replace("Z", "+00:00"))
    assert end - start == timedelta(days=30)
    explicit = issue_juristic(DEMO_COMPANY, dbd=world.dbd, issuer=Issuer(world.dbd_key, clock=world.clock),
                              valid_until=world.iso(3))
    assert _payload(str(explicit.credential))["validUntil"] == world.iso(3)


@pytest.mark.parametrize("age", [timedelta(0), timedelta(days=-1), 30])
def test_l3_policy_max_company_data_age_is_validated(age: object) -> None:
    with pytest.raises(UsageError):
        AuthorityPolicy(citizen_issuers=frozenset({"did:x"}), max_company_data_age=age)  # type: ignore[arg-type]


def test_l3_policy_default_max_age_is_thirty_days() -> None:
    assert AuthorityPolicy(citizen_issuers=frozenset()).max_company_data_age == timedelta(days=30)
