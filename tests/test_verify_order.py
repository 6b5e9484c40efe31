"""Every report follows the check order declared in ``thaivc.engine.verify.order`` (issue 10).

Genuine, forged, replayed, mis-bound, stale and malformed input of every format goes through one
verifier; each report's check names — and each embedded credential's, recursively — must be a
subsequence of its format's declared steps. The pipelines are straight-line code; this keeps the
table that documents them (docs/architecture.md) from drifting away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

import thaivc
from thaivc.assurance import AssurancePolicy
from thaivc.contexts.vocab import CITIZEN_TYPE, OWN_TYPES
from thaivc.core.b64 import b64url_encode
from thaivc.di import ProofSetPolicy, derive
from thaivc.engine.verify.order import ORDERS, Order, Step, order_for, out_of_order
from thaivc.jose.media import envelope
from thaivc.keys import PrivateKey
from thaivc.sdjwt import issue_sd_jwt
from thaivc.trust import TrustDecision

_INDEXED = re.compile(r"\[\d+\]$")

NOW = "2026-01-15T00:00:00Z"
CLOCK = thaivc.FixedClock.at(NOW)
LATER = thaivc.FixedClock.at("2031-01-01T00:00:00Z")
DOMAIN = "https://rd.go.th"
V1 = "https://www.w3.org/2018/credentials/v1"


def _flip(token: str) -> str:
    return token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")


def _sign_raw(key: PrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    """Exactly ``header``.``payload`` signed by ``key`` (a VC 1.1 JWT, or what an attacker emits)."""

    def seg(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    signing_input = seg(header) + "." + seg(payload)
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


class _Refuses:
    """A trust source that lists nobody."""

    def check(self, issuer_id: str, credential: Any) -> TrustDecision:
        raise thaivc.ThaiVCError("trust.untrusted_issuer", "not listed")


def _cases() -> Iterator[tuple[str, Any, dict[str, Any], thaivc.Verifier, str]]:
    """``(label, input, check() options, verifier, expected status)``; challenges are fresh unless replayed."""
    agency, wallet, thief = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256"), thaivc.generate_key("Ed25519")
    issuer, holder = thaivc.Issuer(agency, clock=CLOCK), thaivc.Holder(wallet, clock=CLOCK)
    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง ใจดี", "birthDate": "1995-08-12"},
        "validUntil": "2030-01-01T00:00:00Z",
    }
    extras = {
        "credentialSchema": {"id": "https://schemas.example/unknown.json", "type": "JsonSchema"},
        "relatedResource": [{"id": "https://www.w3.org/ns/credentials/v2", "digestSRI": "sha384-" + "A" * 64}],
        "credentialStatus": {
            "id": "https://status.example/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://status.example/1",
        },
    }
    ld = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "credentialSubject": {"id": wallet.did, "alumniOf": "จุฬาลงกรณ์มหาวิทยาลัย"},
    }
    jwt = issuer.issue(plain, format="vc+jwt")
    busy = issuer.issue({**plain, **extras}, format="vc+jwt")
    listed = issuer.issue({**plain, "credentialStatus": extras["credentialStatus"]}, format="vc+jwt")
    stolen = thaivc.Issuer(agency, clock=CLOCK).issue(
        {**plain, "credentialSubject": {"id": thief.did}}, format="vc+jwt"
    )
    rdfc = issuer.issue(ld, format="di", cryptosuite="eddsa-rdfc-2022")
    jcs = issuer.issue({**ld, **extras}, format="di", cryptosuite="eddsa-jcs-2022")
    forged_di = json.loads(json.dumps(rdfc))
    forged_di["credentialSubject"]["alumniOf"] = "มหาวิทยาลัยอื่น"
    sd = issuer.issue(
        plain, format="dc+sd-jwt", disclosable=["/credentialSubject/name", "/credentialSubject/birthDate"]
    )

    v = thaivc.Verifier(clock=CLOCK)
    late = thaivc.Verifier(clock=LATER)
    legacy = thaivc.Verifier(thaivc.Policy(accept_vcdm11_jwt=True), clock=CLOCK)
    legacy_late = thaivc.Verifier(thaivc.Policy(accept_vcdm11_jwt=True), clock=LATER)
    issued_only = thaivc.Verifier(thaivc.Policy(require_issued_challenge=True), clock=CLOCK)
    es256_only = thaivc.Verifier(thaivc.Policy(allowed_algs=["ES256"]), clock=CLOCK)
    trusting_nobody = thaivc.Verifier(clock=CLOCK, trust=_Refuses())
    unbound = thaivc.Verifier(thaivc.Policy(require_key_binding=False), clock=CLOCK)
    one_credential = thaivc.Verifier(thaivc.Policy(max_presentation_credentials=1), clock=CLOCK)
    assured = thaivc.Verifier(clock=CLOCK, assurance=AssurancePolicy(min_ial="2.3"))
    legacy_assured = thaivc.Verifier(
        thaivc.Policy(accept_vcdm11_jwt=True), clock=CLOCK, assurance=AssurancePolicy(min_ial="2.3")
    )
    cosigned = thaivc.Verifier(clock=CLOCK, proof_set_policy=ProofSetPolicy([thief.did]))

    def at(n: str) -> dict[str, Any]:
        return {"challenge": f"c-{n}", "domain": DOMAIN}

    yield "vc+jwt", jwt, {}, v
    yield "vc+jwt forged", _flip(jwt), {}, v
    yield "vc+jwt expired", jwt, {}, late
    yield "vc+jwt alg refused", jwt, {}, es256_only
    yield "vc+jwt as a login", jwt, at("unasked"), v
    yield "vc+jwt schema related status", busy, {}, v
    yield "vc+jwt status not checked", listed, {}, v
    yield "vc+jwt below the assurance asked", jwt, {}, assured
    yield "vc+jwt untrusted", jwt, {}, trusting_nobody
    yield "vc+jwt unsigned header", jwt.split(".")[0] + ".e30.", {}, v
    yield "enveloped vc+jwt", envelope(jwt, "vc+jwt"), {}, v
    yield (
        "envelope lying about its token",
        {**envelope(jwt, "vc+jwt"), "type": "EnvelopedVerifiablePresentation"},
        {},
        v,
    )
    yield "VC-API body", {"verifiableCredential": jwt, "options": {"challenge": "other"}}, at("api"), v

    vp = holder.present([jwt, rdfc, sd], **at("vp"))
    yield "vp+jwt", vp, at("vp"), v
    yield "vp+jwt replayed", vp, at("vp"), v
    yield "vp+jwt wrong challenge", holder.present([jwt], **at("x")), at("y"), v
    yield "vp+jwt no challenge", holder.present([jwt], **at("none")), {}, v
    yield "vp+jwt other domain", holder.present([jwt], challenge="c-d"), {"challenge": "c-d", "domain": DOMAIN}, v
    yield "vp+jwt unissued", holder.present([jwt], **at("never")), at("never"), issued_only
    yield "vp+jwt forged credential", holder.present([_flip(jwt)], **at("fc")), at("fc"), v
    yield "vp+jwt someone else's", holder.present([stolen], **at("st")), at("st"), v
    yield "vp+jwt holding a presentation", holder.present([vp], **at("n")), at("n"), v
    yield "vp+jwt too many credentials", holder.present([jwt, rdfc], **at("tm")), at("tm"), one_credential
    yield "vp+jwt inside a presentation (embedded)", vp, {}, v
    yield "vp+jwt forged", _flip(holder.present([jwt], **at("f"))), at("f"), v

    yield "sd-jwt without key binding", sd, {}, v
    kb = holder.present([sd], format="dc+sd-jwt", disclose=["/credentialSubject/name"], **at("sd"))
    yield "sd-jwt+kb", kb, at("sd"), v
    yield "sd-jwt+kb replayed", kb, at("sd"), v
    yield "sd-jwt+kb wrong nonce", holder.present([sd], format="dc+sd-jwt", disclose=[], **at("w")), at("v"), v
    yield "sd-jwt+kb no challenge", holder.present([sd], format="dc+sd-jwt", disclose=[], **at("nc")), {}, v
    yield "sd-jwt+kb expired", holder.present([sd], format="dc+sd-jwt", disclose=[], **at("e")), at("e"), late
    yield "sd-jwt forged", _flip(sd.split("~")[0]) + "~" + sd.split("~", 1)[1], {}, v
    yield "sd-jwt unbound, policy off", sd, at("u"), unbound
    sd_kb_nc = holder.present([sd], format="dc+sd-jwt", disclose=[], **at("snc"))
    yield "sd-jwt+kb domain without a challenge, policy off", sd_kb_nc, {"domain": DOMAIN}, unbound
    sd_busy = issuer.issue({**plain, **extras}, format="dc+sd-jwt", disclosable=["/credentialSubject/name"])
    yield (
        "sd-jwt schema related status assurance",
        sd_busy,
        {},
        thaivc.Verifier(
            thaivc.Policy(require_key_binding=False), clock=CLOCK, assurance=AssurancePolicy(min_ial="2.3")
        ),
    )
    raw = {"iss": agency.did, "vct": "https://credentials.example/citizen", "iat": 1767225600, **plain}
    citizen = {
        **raw,
        "@context": [*plain["@context"], OWN_TYPES[CITIZEN_TYPE][0]],
        "type": ["VerifiableCredential", CITIZEN_TYPE],
        "issuer": agency.did,
        "validFrom": "2026-01-01T00:00:00Z",
    }
    withheld = issue_sd_jwt(citizen, disclosable=["/validFrom"], signer=agency)  # what thaivc's issuer refuses
    yield "sd-jwt citizen without validFrom", withheld.split("~")[0] + "~", {}, unbound
    yield "sd-jwt signed by another key", issue_sd_jwt(raw, disclosable=[], signer=thief), {}, unbound
    yield (
        "sd-jwt naming another issuer",
        issue_sd_jwt({**raw, "issuer": thief.did}, disclosable=[], signer=agency),
        {},
        unbound,
    )

    yield "di rdfc", rdfc, {}, v
    yield "di jcs schema related status", jcs, {}, v
    yield "di forged", forged_di, {}, v
    yield "di without the co-signer", rdfc, {}, cosigned
    yield "di below the assurance asked", rdfc, {}, assured
    sd_base = thaivc.Issuer(wallet, clock=CLOCK).issue(
        {**ld, "issuer": wallet.did},
        format="di",
        cryptosuite="ecdsa-sd-2023",
        mandatory_pointers=["/credentialSubject/id"],
    )
    yield "di ecdsa-sd derived", derive(sd_base, ["/credentialSubject/alumniOf"]), {}, v
    yield "di as a login", rdfc, at("di-unasked"), v
    yield "di expired", issuer.issue({**ld, "validUntil": "2027-01-01T00:00:00Z"}, format="di"), {}, late
    vp_di = holder.present([rdfc, jwt], format="di", **at("vpdi"))
    yield "di presentation", vp_di, at("vpdi"), v
    yield "di presentation replayed", vp_di, at("vpdi"), v
    yield (
        "di presentation wrong domain",
        holder.present([rdfc], format="di", challenge="c-dd"),
        {"challenge": "c-dd", "domain": DOMAIN},
        v,
    )
    yield "di presentation no challenge", holder.present([rdfc], format="di", **at("dn")), {}, v
    yield (
        "di presentation too many credentials",
        holder.present([rdfc, jwt], format="di", **at("dm")),
        at("dm"),
        one_credential,
    )
    yield "di unsigned presentation", holder.presentation([rdfc]), {}, v

    vc11 = _sign_raw(
        agency,
        {"alg": agency.alg, "typ": "JWT", "kid": agency.kid},
        {
            "iss": agency.did,
            "sub": wallet.did,
            "nbf": 1767225600,
            "exp": 1798761599,
            "vc": {"@context": [V1], "type": ["VerifiableCredential"], "credentialSubject": {"name": "สมหญิง"}},
        },
    )
    vp11 = _sign_raw(
        wallet,
        {"alg": wallet.alg, "typ": "JWT", "kid": wallet.kid},
        {
            "iss": wallet.did,
            "aud": DOMAIN,
            "nonce": "c-11",
            "iat": 1767225600,
            "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": [vc11]},
        },
    )
    vc11_busy = _sign_raw(
        agency,
        {"alg": agency.alg, "typ": "JWT", "kid": agency.kid},
        {
            "iss": agency.did,
            "sub": wallet.did,
            "nbf": 1767225600,
            "vc": {
                "@context": [V1],
                "type": ["VerifiableCredential"],
                "credentialSubject": {"name": "สมหญิง"},
                "credentialSchema": extras["credentialSchema"],
                "relatedResource": extras["relatedResource"],
            },
        },
    )
    yield "vc 1.1", vc11, {}, legacy
    yield "vc 1.1 schema related", vc11_busy, {}, legacy
    yield "vc 1.1 expired", vc11, {}, legacy_late
    yield "vc 1.1 presentation", vp11, at("11"), legacy
    yield "vc 1.1 presentation replayed", vp11, at("11"), legacy
    yield "vc 1.1 refused by default", vc11, {}, v
    yield "vc 1.1 as a login below the assurance asked", vc11, at("11l"), legacy_assured
    vp11_nested = _sign_raw(
        wallet,
        {"alg": wallet.alg, "typ": "JWT", "kid": wallet.kid},
        {
            "iss": wallet.did,
            "aud": DOMAIN,
            "nonce": "c-11n",
            "iat": 1767225600,
            "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": [vp11]},
        },
    )
    vp11_two = _sign_raw(
        wallet,
        {"alg": wallet.alg, "typ": "JWT", "kid": wallet.kid},
        {
            "iss": wallet.did,
            "aud": DOMAIN,
            "nonce": "c-112",
            "iat": 1767225600,
            "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": [vc11, vc11]},
        },
    )
    legacy_one = thaivc.Verifier(thaivc.Policy(accept_vcdm11_jwt=True, max_presentation_credentials=1), clock=CLOCK)
    yield "vc 1.1 presentation too many credentials", vp11_two, at("112"), legacy_one
    yield "vc 1.1 presentation holding a presentation", vp11_nested, at("11n"), legacy

    yield "bytes not UTF-8", b"\xff\xfe not utf-8", {}, v
    yield "JWS JSON", {"payload": "e30", "signature": "AA"}, {}, v
    yield "no proof", dict(ld), {}, v
    yield "duplicate key", '{"a": 1, "a": 2}', {}, v


def _presentation(report: thaivc.VerificationReport, given: object) -> bool:
    names = {check.name for check in report.checks}
    if "credentials" in names or any(name.startswith("credential[") for name in names):
        return True
    types = given.get("type") if isinstance(given, dict) else None
    return types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types)


def _problems(report: thaivc.VerificationReport, given: object, where: str) -> Iterator[str]:
    order = order_for(report.format, presentation=_presentation(report, given))
    wrong = out_of_order([check.name for check in report.checks], order)
    if wrong is not None:
        yield f"{where}: {wrong}"
    if order.report_format is None and len(report.checks) != 1:  # refused before a pipeline: one check, alone
        yield f"{where}: {[check.name for check in report.checks]}"
    for index, child in enumerate(report.children):
        yield from _problems(child, None, f"{where} > credential[{index}]")


#: The cases that verify; every other case is refused (``failed``, or ``indeterminate`` where listed).
VERIFIED = frozenset(
    {
        "vc+jwt",
        "enveloped vc+jwt",
        "vp+jwt",
        "sd-jwt+kb",
        "di rdfc",
        "di presentation",
        "vc 1.1",
        "vc 1.1 presentation",
        "di ecdsa-sd derived",
    }
)
INDETERMINATE = frozenset({"vc+jwt status not checked"})


@pytest.fixture(scope="module")
def reports() -> list[tuple[str, thaivc.VerificationReport, Any]]:
    return [
        (
            label,
            verifier.check_embedded(given, depth=0)
            if label.endswith("(embedded)")
            else verifier.check(given, **options),
            given,
        )
        for label, given, options, verifier in _cases()
    ]


def test_the_cases_are_what_they_say(reports: list[tuple[str, thaivc.VerificationReport, Any]]) -> None:
    """A case that verified by accident (or failed for an unrelated reason) would test no order."""
    assert len({label for label, _, _ in reports}) == len(reports)
    statuses = {label: report.status for label, report, _ in reports}
    expected = {
        label: "verified" if label in VERIFIED else "indeterminate" if label in INDETERMINATE else "failed"
        for label in statuses
    }
    assert statuses == expected


def test_every_report_follows_its_declared_order(reports: list[tuple[str, thaivc.VerificationReport, Any]]) -> None:
    wrong = [problem for label, report, given in reports for problem in _problems(report, given, label)]
    assert not wrong, "\n".join(wrong)


def test_every_declared_order_is_exercised(reports: list[tuple[str, thaivc.VerificationReport, Any]]) -> None:
    """Each order of the table is met by some report, and most of its steps by some check."""
    met: dict[str, set[str]] = {}

    def walk(report: thaivc.VerificationReport, given: object) -> None:
        order = order_for(report.format, presentation=_presentation(report, given))
        met.setdefault(order.title, set()).update(_INDEXED.sub("[i]", c.name) for c in report.checks)
        for child in report.children:
            walk(child, None)

    for _, report, given in reports:
        walk(report, given)
    assert set(met) == {order.title for order in ORDERS}
    unmet = {order.title: [s.name for s in order.steps if s.name not in met[order.title]] for order in ORDERS}
    assert {title: names for title, names in unmet.items() if names} == UNMET


#: Steps no case above reaches, each for a reason (the test fails when one becomes reached: drop it here).
UNMET: dict[str, list[str]] = {
    "refused before a pipeline (one check, alone)": [
        "internal"
    ],  # only a thaivc bug reaches it (tests/attacks cover the guard)
}


# -- the checker itself, and the rules every declared order keeps -----------------------------------

VC_JWT = order_for("vc+jwt", presentation=False)
VP_JWT = order_for("vp+jwt", presentation=True)


@pytest.mark.parametrize(
    ("order", "names"),
    [
        (VC_JWT, ["parse", "alg", "claims", "model", "key", "status", "signature"]),  # status before the signature
        (VC_JWT, ["parse", "alg", "claims", "model", "time", "key", "signature"]),  # a claim read before the key
        (VC_JWT, ["parse", "parse"]),  # a step twice where it is declared once
        (VC_JWT, ["parse", "alg", "surprise"]),  # a step nobody declared
        (VP_JWT, ["parse", "alg", "claims", "model", "key", "signature", "credential[0]", "challenge"]),  # spent late
        (VP_JWT, ["parse", "alg", "claims", "model", "challenge", "key", "signature"]),  # spent before the signature
        (order_for("di", presentation=False), ["parse", "proof[0]", "context"]),
    ],
)
def test_a_report_out_of_order_is_found(order: Order, names: list[str]) -> None:
    assert out_of_order(names, order) is not None


@pytest.mark.parametrize(
    ("order", "names"),
    [
        (VC_JWT, []),
        (VC_JWT, ["parse"]),
        (VC_JWT, ["parse", "alg", "claims", "model", "key", "signature", "time", "trust"]),
        (
            VP_JWT,
            [
                "parse",
                "alg",
                "claims",
                "model",
                "key",
                "signature",
                "time",
                "challenge",
                "domain",
                "credential[0]",
                "credential[1]",
                "credential[2]",
            ],
        ),
        (order_for("di", presentation=False), ["parse", "model", "context", "proof[0]", "proof[1]", "time"]),
        (
            order_for("dc+sd-jwt", presentation=False),
            ["parse", "signature", "required_claims", "time", "required_claims", "status"],
        ),
        (order_for("jose", presentation=False), ["parse"]),  # refused before its typ was read
    ],
)
def test_a_report_in_order_passes(order: Order, names: list[str]) -> None:
    assert out_of_order(names, order) is None


def _first(order: Order, *names: str) -> int:
    return min(i for i, step in enumerate(order.steps) if step.name in names)


#: What reads a claim, spends a challenge or asks someone else about the credential.
_AFTER_THE_SIGNATURE = frozenset(
    {
        "time",
        "validity",
        "issuer",
        "schema",
        "related",
        "status",
        "trust",
        "assurance",
        "challenge",
        "domain",
        "credentials",
        "credential[i]",
        "disclosure",
    }
)


@pytest.mark.parametrize("order", [order for order in ORDERS if order.report_format is not None], ids=lambda o: o.title)
def test_nothing_is_acted_on_before_the_signature(order: Order) -> None:
    """Time, status, trust, the challenge's spend and the embedded credentials come after the
    signature (every proof, for Data Integrity), in every declared order."""
    signed = _first(order, "signature", "proof[i]")
    early = [s.name for s in order.steps[:signed] if s.name in _AFTER_THE_SIGNATURE]
    assert early == []
    assert _first(order, "parse") == 0


def test_every_step_says_what_it_refuses() -> None:
    for order in ORDERS:
        assert order.steps and all(isinstance(step, Step) and len(step.refuses) > 10 for step in order.steps)
        names = [step.name for step in order.steps]
        assert len(names) - len(set(names)) <= 2, order.title  # only sd-jwt repeats two names, each for a reason
    with pytest.raises(KeyError):
        order_for("vc+cwt", presentation=False)


# -- a refusal that the order puts before the spend spends nothing, in every presentation format -----


@pytest.fixture(scope="module")
def presenters() -> dict[str, Any]:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    issuer, holder = thaivc.Issuer(agency, clock=CLOCK), thaivc.Holder(wallet, clock=CLOCK)
    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง"},
    }
    sd = issuer.issue(plain, format="dc+sd-jwt", disclosable=["/credentialSubject/name"])
    jwt, rdfc = issuer.issue(plain, format="vc+jwt"), issuer.issue(plain, format="di")
    return {
        "dc+sd-jwt": lambda c: holder.present([sd], format="dc+sd-jwt", disclose=[], challenge=c, domain=DOMAIN),
        "vp+jwt": lambda c: holder.present([jwt], challenge=c, domain=DOMAIN),
        "di": lambda c: holder.present([rdfc], format="di", challenge=c, domain=DOMAIN),
    }


@pytest.mark.parametrize("issued_only", [False, True])
@pytest.mark.parametrize("fmt", ["dc+sd-jwt", "vp+jwt", "di"])
def test_a_presentation_checked_without_its_challenge_does_not_burn_it(
    presenters: dict[str, Any], fmt: str, issued_only: bool
) -> None:
    """Replayed where the caller forgot the challenge (an inspection endpoint, a confused caller),
    a genuine presentation is refused (``vp.challenge_missing``) and its challenge stays unspent:
    the holder's own login with it still verifies. The SD-JWT pipeline used to spend the KB-JWT's
    nonce before refusing, unlike the others, so an eavesdropper could void the holder's login."""
    verifier = thaivc.Verifier(thaivc.Policy(require_issued_challenge=issued_only), clock=CLOCK)
    challenge = verifier.new_challenge()
    presentation = presenters[fmt](challenge)
    unasked = verifier.check(presentation)
    assert unasked.status == "failed" and "vp.challenge_missing" in unasked.codes
    login = verifier.check(presentation, challenge=challenge, domain=DOMAIN)
    assert login.ok, login.codes
    replay = verifier.check(presentation, challenge=challenge, domain=DOMAIN)
    assert replay.codes == ["vp.challenge_replayed"]
