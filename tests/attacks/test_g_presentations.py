"""Group G of docs/security.md: presentations and holder binding (SEC-44 … SEC-48).

Presentations are made with ``thaivc.Holder`` where the attack allows it, and assembled by hand
(genuinely signed) where the attack needs a claim the Holder API would never write.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import thaivc
from thaivc.core.errors import ThaiVCError
from thaivc.keys import PrivateKey

from .conftest import (
    ISSUER,
    NOW,
    V2,
    VERIFIER_DOMAIN,
    MakeVerifier,
    assert_first,
    assert_refused,
    enveloped,
    forge,
    vc_header,
    vc_payload,
    vp_header,
    vp_payload,
)


def _present(wallet: PrivateKey, credentials: list[Any], clock: thaivc.Clock, **kwargs: Any) -> str:
    token: str = thaivc.Holder(wallet, clock=clock).present(credentials, **kwargs)
    return token


# -- SEC-44 ----------------------------------------------------------------------------------------


def test_sec44_challenge(
    make_verifier: MakeVerifier, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """Missing, wrong, non-string and replayed challenges; the genuine one is accepted once."""
    verifier = make_verifier()
    issued = thaivc.new_challenge()
    vp = _present(wallet_key, [good_vc], clock, challenge=issued, domain=VERIFIER_DOMAIN)
    no_nonce = _present(wallet_key, [good_vc], clock)
    cases: dict[str, tuple[str, str | None, str]] = {
        "verifier-gave-no-challenge": (vp, None, "vp.challenge_missing"),
        "vp-has-no-nonce": (no_nonce, issued, "vp.challenge_mismatch"),
        "wrong-challenge": (vp, thaivc.new_challenge(), "vp.challenge_mismatch"),
        "prefix-of-challenge": (vp, issued[:-1], "vp.challenge_mismatch"),
        "challenge-with-space": (vp, issued + " ", "vp.challenge_mismatch"),
    }
    for name, (token, challenge, code) in cases.items():
        report = verifier.check(token, challenge=challenge)
        assert_refused(report, code, "INVALID_CHALLENGE_ERROR", case=name)
        assert report.check("signature").status == "pass", name  # type: ignore[union-attr]
    for nonce in (1, [issued], {"nonce": issued}, None):
        payload = vp_payload(wallet_key.did, [enveloped(good_vc)], nonce=nonce)
        report = verifier.check(forge(vp_header(wallet_key), payload, wallet_key), challenge=issued)
        assert_refused(report, "vp.challenge_mismatch", "INVALID_CHALLENGE_ERROR", case=nonce)
    # none of the refusals above consumed the challenge: the genuine reply passes, exactly once
    assert verifier.check(vp, challenge=issued).ok
    replay = verifier.check(vp, challenge=issued)
    assert_refused(replay, "vp.challenge_replayed", "INVALID_CHALLENGE_ERROR")
    assert replay.codes == ["vp.challenge_replayed"]


def test_sec44_forged_presentation_does_not_burn_the_challenge(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, attacker_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """The challenge is consumed only after the signature verifies: junk cannot spend it."""
    issued = thaivc.new_challenge()
    vp = _present(wallet_key, [good_vc], clock, challenge=issued)
    head, payload, _ = vp.split(".")
    forged = f"{head}.{payload}.{forge({}, {}, attacker_key).split('.')[2]}"
    assert_first(verifier.check(forged, challenge=issued), "crypto.bad_signature")
    assert verifier.check(vp, challenge=issued).ok


def test_sec44_optional_challenge_by_policy(
    make_verifier: MakeVerifier, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """Only an explicit policy opt-out accepts a presentation with no challenge."""
    vp = _present(wallet_key, [good_vc], clock)
    assert_refused(make_verifier().check(vp), "vp.challenge_missing")
    report = make_verifier(require_challenge=False).check(vp)
    assert report.ok and report.check("challenge").status == "skip"  # type: ignore[union-attr]


def test_sec44_bare_credential_is_not_an_answer_to_a_challenge(verifier: thaivc.Verifier, good_vc: str) -> None:
    """A copied credential sent where a presentation with the challenge was asked for."""
    assert_refused(
        verifier.check(good_vc, challenge=thaivc.new_challenge()), "vp.challenge_mismatch", "INVALID_CHALLENGE_ERROR"
    )


def test_sec44_broken_challenge_store_is_indeterminate(
    resolver: Any, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """A store that fails can never let a replay through: the verdict is indeterminate, not verified."""

    class BrokenStore:
        def consume(self, challenge: str) -> bool:
            raise OSError("database unavailable")

    verifier = thaivc.Verifier(resolver=resolver, clock=clock, challenge_store=BrokenStore())
    issued = thaivc.new_challenge()
    report = verifier.check(_present(wallet_key, [good_vc], clock, challenge=issued), challenge=issued)
    assert report.status == "indeterminate" and report.document is None
    assert "vp.challenge_unknown" in report.codes


# -- SEC-45 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "aud",
    [
        "https://attacker.example",
        "https://rd.go.th.evil",
        "https://rd.go.th/",
        "HTTPS://RD.GO.TH",
        ["https://attacker.example", "https://dopa.go.th"],
        [],
        1,
        None,
        "missing",
    ],
    ids=repr,
)
def test_sec45_domain_audience(verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, aud: Any) -> None:
    challenge = thaivc.new_challenge()
    extra: dict[str, Any] = {"nonce": challenge}
    if aud != "missing":
        extra["aud"] = aud
    token = forge(vp_header(wallet_key), vp_payload(wallet_key.did, [enveloped(good_vc)], **extra), wallet_key)
    report = verifier.check(token, challenge=challenge, domain=VERIFIER_DOMAIN)
    assert_refused(report, "vp.domain_mismatch", "INVALID_DOMAIN_ERROR")


def test_sec45_audience_set_containing_this_verifier(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str
) -> None:
    challenge = thaivc.new_challenge()
    payload = vp_payload(
        wallet_key.did, [enveloped(good_vc)], nonce=challenge, aud=["https://dopa.go.th", VERIFIER_DOMAIN]
    )
    assert verifier.check(
        forge(vp_header(wallet_key), payload, wallet_key), challenge=challenge, domain=VERIFIER_DOMAIN
    ).ok


def test_sec45_domain_required_by_policy(
    make_verifier: MakeVerifier, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """With ``require_domain`` a verifier that names no domain refuses; naming one, it accepts."""
    verifier = make_verifier(require_domain=True)
    challenge = thaivc.new_challenge()
    vp = _present(wallet_key, [good_vc], clock, challenge=challenge, domain=VERIFIER_DOMAIN)
    assert_refused(verifier.check(vp, challenge=challenge), "vp.domain_mismatch", "INVALID_DOMAIN_ERROR")
    challenge = thaivc.new_challenge()
    vp = _present(wallet_key, [good_vc], clock, challenge=challenge, domain=VERIFIER_DOMAIN)
    assert verifier.check(vp, challenge=challenge, domain=VERIFIER_DOMAIN).ok


def test_sec45_bare_credential_with_a_domain(verifier: thaivc.Verifier, good_vc: str) -> None:
    assert_refused(verifier.check(good_vc, domain=VERIFIER_DOMAIN), "vp.domain_mismatch", "INVALID_DOMAIN_ERROR")


# -- SEC-46 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("given_as", ["dict", "text", "bytes"])
@pytest.mark.parametrize(
    "types", [["VerifiablePresentation"], "VerifiablePresentation", ["VerifiablePresentation", "X"]]
)
def test_sec46_unsigned_presentation(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, given_as: str, types: Any
) -> None:
    vp = {"@context": [V2], "type": types, "holder": wallet_key.did, "verifiableCredential": [enveloped(good_vc)]}
    item: object = {"dict": vp, "text": json.dumps(vp), "bytes": json.dumps(vp).encode()}[given_as]
    report = verifier.check(item, challenge=thaivc.new_challenge())
    assert_first(report, "vp.unsigned", "CRYPTOGRAPHIC_SECURITY_ERROR")
    assert report.children == ()  # nothing inside an unsigned presentation is even looked at


def test_sec46_unsigned_presentation_from_the_holder_api(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """``Holder.presentation`` builds the unsigned form; presenting it as-is is refused."""
    unsigned = thaivc.Holder(wallet_key, clock=clock).presentation([good_vc])
    assert_first(verifier.check(unsigned), "vp.unsigned")


def test_sec46_presentation_with_stripped_signature(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    challenge = thaivc.new_challenge()
    head, payload, _ = _present(wallet_key, [good_vc], clock, challenge=challenge).split(".")
    assert_first(verifier.check(f"{head}.{payload}.", challenge=challenge), "crypto.bad_signature")


# -- SEC-47 ----------------------------------------------------------------------------------------


def test_sec47_holder_is_not_the_subject(
    make_verifier: MakeVerifier,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    attacker_key: PrivateKey,
    clock: thaivc.FixedClock,
) -> None:
    """Holder A presents B's credential (no cnf, no delegation): refused when binding is required."""
    b_credential = forge(vc_header(issuer_key), vc_payload(wallet_key.did), issuer_key)
    challenge = thaivc.new_challenge()
    vp = _present(attacker_key, [b_credential], clock, challenge=challenge)
    report = make_verifier().check(vp, challenge=challenge)
    assert_refused(report, "vp.holder_not_subject", "CRYPTOGRAPHIC_SECURITY_ERROR")
    assert report.children[0].ok  # the credential itself is fine; the binding is not
    # the policy decides: without holder binding the same presentation passes
    challenge = thaivc.new_challenge()
    vp = _present(attacker_key, [b_credential], clock, challenge=challenge)
    assert make_verifier(require_holder_binding=False).check(vp, challenge=challenge).ok


def test_sec47_one_of_several_subjects_is_someone_else(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, clock: thaivc.FixedClock
) -> None:
    subjects = [{"id": wallet_key.did, "name": "A"}, {"id": "did:key:z6MkSomeoneElse", "name": "B"}]
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, credentialSubject=subjects), issuer_key)
    challenge = thaivc.new_challenge()
    report = verifier.check(_present(wallet_key, [token], clock, challenge=challenge), challenge=challenge)
    assert_refused(report, "vp.holder_not_subject")


def test_sec47_subject_without_id(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, clock: thaivc.FixedClock
) -> None:
    """A bearer-style credential (no subject id) cannot be bound to the holder."""
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, credentialSubject={"name": "A"}), issuer_key)
    challenge = thaivc.new_challenge()
    report = verifier.check(_present(wallet_key, [token], clock, challenge=challenge), challenge=challenge)
    assert_refused(report, "vp.holder_not_subject")


def test_sec47_holder_is_not_the_signer(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, attacker_key: PrivateKey, good_vc: str
) -> None:
    """``holder`` names the wallet, but the attacker's key signs (and its kid says so)."""
    challenge = thaivc.new_challenge()
    payload = vp_payload(wallet_key.did, [enveloped(good_vc)], nonce=challenge)
    report = verifier.check(forge(vp_header(attacker_key), payload, attacker_key), challenge=challenge)
    assert_first(report, "vp.holder_key_mismatch", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_sec47_holder_is_not_the_signer_without_kid(
    verifier: thaivc.Verifier, wallet_key: PrivateKey, attacker_key: PrivateKey, good_vc: str
) -> None:
    """No kid: only the holder's own authentication keys are tried, so the attacker's signature fails."""
    challenge = thaivc.new_challenge()
    payload = vp_payload(wallet_key.did, [enveloped(good_vc)], nonce=challenge)
    report = verifier.check(forge({"alg": "EdDSA", "typ": "vp+jwt"}, payload, attacker_key), challenge=challenge)
    assert_first(report, "crypto.bad_signature")


def test_sec47_holder_key_not_for_authentication(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, good_vc: str
) -> None:
    """The registrar's assertion key (key-1) is not one of its authentication keys: it cannot sign a VP."""
    challenge = thaivc.new_challenge()
    payload = vp_payload(ISSUER, [enveloped(good_vc)], nonce=challenge)
    report = verifier.check(forge(vp_header(issuer_key), payload, issuer_key), challenge=challenge)
    assert_first(report, "did.vm_not_authorized")


# -- SEC-48 ----------------------------------------------------------------------------------------


class RevokedStatus:
    """A status checker that reports every credential revoked."""

    def check(self, credential: dict[str, Any]) -> None:
        raise ThaiVCError("status.revoked", "bit set in the revocation list")


def _bad_credentials(issuer_key: PrivateKey, wallet: str, good_vc: str) -> dict[str, tuple[dict[str, Any], str]]:
    """name -> (verifiableCredential entry, the credential's own first problem code)."""
    head, _, sig = good_vc.split(".")
    tampered = f"{head}.{forge({}, vc_payload(wallet, name='x')).split('.')[1]}.{sig}"
    expired = forge(vc_header(issuer_key), vc_payload(wallet, exp=NOW - 86400, iat=NOW - 2 * 86400), issuer_key)
    status = {"id": "https://registrar.example/status/1#94567", "type": "BitstringStatusListEntry"}
    revocable = forge(vc_header(issuer_key), vc_payload(wallet, credentialStatus=status), issuer_key)
    return {
        "media-type-vc-ld-json": (
            {"@context": V2, "id": f"data:application/vc+ld+json,{good_vc}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        "media-type-jwt": (
            {"@context": V2, "id": f"data:application/jwt,{good_vc}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        "media-type-sd-jwt-for-jwt": (enveloped(good_vc, "dc+sd-jwt"), "jose.typ_mismatch"),
        "bad-inner-signature": (enveloped(tampered), "crypto.bad_signature"),
        "expired": (enveloped(expired), "time.expired"),
        "revoked": (enveloped(revocable), "status.revoked"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "media-type-vc-ld-json",
        "media-type-jwt",
        "media-type-sd-jwt-for-jwt",
        "bad-inner-signature",
        "expired",
        "revoked",
    ],
)
def test_sec48_bad_credential_inside_presentation(
    resolver: Any,
    issuer_key: PrivateKey,
    wallet_key: PrivateKey,
    good_vc: str,
    clock: thaivc.FixedClock,
    name: str,
) -> None:
    """The VP fails, and ``children`` lists each credential with its own checks and problem."""
    verifier = thaivc.Verifier(resolver=resolver, clock=clock, status_checker=RevokedStatus())
    entry, own_code = _bad_credentials(issuer_key, wallet_key.did, good_vc)[name]
    challenge = thaivc.new_challenge()
    payload = vp_payload(wallet_key.did, [enveloped(good_vc), entry], nonce=challenge)
    report = verifier.check(forge(vp_header(wallet_key), payload, wallet_key), challenge=challenge)
    assert_refused(report, "vp.credential_invalid")
    assert report.check("signature").status == "pass"  # type: ignore[union-attr]
    assert report.check("challenge").status == "pass"  # type: ignore[union-attr]
    assert [c.name for c in report.checks if c.name.startswith("credential[")] == ["credential[0]", "credential[1]"]
    assert report.check("credential[0]").status == "pass"  # type: ignore[union-attr]
    assert report.check("credential[1]").code == "vp.credential_invalid"  # type: ignore[union-attr]
    assert len(report.children) == 2
    good, bad = report.children
    assert good.ok and good.check("signature").status == "pass"  # type: ignore[union-attr]
    assert bad.status == "failed" and bad.codes[0] == own_code, bad.to_json()
    assert bad.document is None
    exported = report.to_json()
    assert [c["status"] for c in exported["credentials"]] == ["verified", "failed"]


def test_sec48_every_bad_credential_is_listed(
    resolver: Any, issuer_key: PrivateKey, wallet_key: PrivateKey, good_vc: str, clock: thaivc.FixedClock
) -> None:
    """All the bad credentials in one presentation: one child each, in order, none hidden by another."""
    verifier = thaivc.Verifier(resolver=resolver, clock=clock, status_checker=RevokedStatus())
    bad = _bad_credentials(issuer_key, wallet_key.did, good_vc)
    challenge = thaivc.new_challenge()
    payload = vp_payload(wallet_key.did, [entry for entry, _ in bad.values()], nonce=challenge)
    report = verifier.check(forge(vp_header(wallet_key), payload, wallet_key), challenge=challenge)
    assert report.status == "failed"
    assert [child.codes[0] for child in report.children] == [code for _, code in bad.values()]
    assert report.codes.count("vp.credential_invalid") == len(bad)


def test_sec48_inner_credential_status_unchecked_is_indeterminate(
    verifier: thaivc.Verifier, issuer_key: PrivateKey, wallet_key: PrivateKey, clock: thaivc.FixedClock
) -> None:
    """No status checker configured: a revocable credential is undecidable, so the VP is not verified."""
    status = {"id": "https://registrar.example/status/1#94567", "type": "BitstringStatusListEntry"}
    token = forge(vc_header(issuer_key), vc_payload(wallet_key.did, credentialStatus=status), issuer_key)
    challenge = thaivc.new_challenge()
    report = verifier.check(_present(wallet_key, [token], clock, challenge=challenge), challenge=challenge)
    assert report.status == "indeterminate" and report.document is None
    assert "vp.credential_indeterminate" in report.codes
    assert report.children[0].codes == ["status.not_checked"]


def test_sec48_envelope_without_a_data_url(verifier: thaivc.Verifier, wallet_key: PrivateKey, good_vc: str) -> None:
    """An envelope whose id is not a ``data:`` URL (the W3C "bad credential" shape) makes the
    presentation itself malformed: the data model refuses it before the signature is looked at."""
    challenge = thaivc.new_challenge()
    entry = {"@context": V2, "id": "not-a-credential", "type": "EnvelopedVerifiableCredential"}
    payload = vp_payload(wallet_key.did, [enveloped(good_vc), entry], nonce=challenge)
    report = verifier.check(forge(vp_header(wallet_key), payload, wallet_key), challenge=challenge)
    assert_first(report, "vc.id_invalid", "MALFORMED_VALUE_ERROR")
    assert report.problems[0].loc == ("verifiableCredential", 1, "id")
