"""Benchmark sections: each returns tables of rows measured against the raw-crypto floor."""

from __future__ import annotations

import resource
from collections.abc import Callable, Iterator
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

import thaivc
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import FixedClock
from thaivc.engine.policy import Policy
from thaivc.keys import PrivateKey, generate_key

#: Measures functions with interleaved rounds and returns µs/op for each, in order.
Measure = Callable[..., list[float]]


def thai_credential(subject: str, claims: int | None = None) -> dict[str, Any]:
    """The benchmark credential: about 1.5 KB with Thai names, or ``claims`` extra subject claims."""
    subject_doc: dict[str, Any] = {
        "id": subject,
        "citizenId": "1999900002032",
        "name": {"title": "นางสาว", "givenName": "สมหญิง", "familyName": "ใจดี"},
        "nameEn": {"title": "Miss", "givenName": "Somying", "familyName": "Jaidee"},
        "birthDate": "1995-08-12",
        "address": {
            "houseNo": "99/1",
            "moo": "4",
            "soi": "ลาดพร้าว 101",
            "road": "ลาดพร้าว",
            "tambon": "คลองจั่น",
            "amphoe": "บางกะปิ",
            "province": "กรุงเทพมหานคร",
            "postcode": "10240",
        },
        "ial": "2.3",
    }
    if claims is not None:
        subject_doc = {"id": subject}
        for i in range(claims):
            subject_doc[f"claim{i:04d}"] = f"ค่าที่ {i}"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "name": [{"@value": "บัตรประจำตัวประชาชนดิจิทัล", "@language": "th"}],
        "description": [{"@value": "ข้อมูลบุคคลจากทะเบียนราษฎร", "@language": "th"}],
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2031-01-01T00:00:00Z",
        "credentialSubject": subject_doc,
    }


def _raw_verifier(key: PrivateKey, token: str) -> Callable[[], Any]:
    """The floor: `cryptography`'s verify of exactly the token's signing input and signature."""
    head, payload, sig = token.split(".")
    signing_input = f"{head}.{payload}".encode()
    signature = b64url_decode(sig)
    public = key.public.crypto
    if isinstance(public, ed25519.Ed25519PublicKey):
        return lambda: public.verify(signature, signing_input)
    assert isinstance(public, ec.EllipticCurvePublicKey)
    half = len(signature) // 2
    der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
    algorithm = ec.ECDSA(hashes.SHA256() if half == 32 else hashes.SHA384())
    return lambda: public.verify(der, signing_input, algorithm)


def _pyjwt_decoder(key: PrivateKey, token: str) -> Callable[[], Any]:
    pem = key.public.crypto.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    alg = key.alg
    return lambda: pyjwt.decode(token, pem, algorithms=[alg], options={"verify_aud": False})


def jose(measure: Measure, table: Any, *, quick: bool) -> Iterator[Any]:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    subject = generate_key("Ed25519").did
    sizes: list[tuple[str, int | None, str, str]] = [
        ("1.5 KB Thai credential", None, "≤ 1.3", "≤ 2.0"),
        ("10 claims", 10, "", ""),
        ("100 claims", 100, "≤ 1.6", ""),
        ("1,000 claims", 1000, "", ""),
    ]
    for key_type in ("Ed25519", "P-256"):
        key = generate_key(key_type)  # type: ignore[arg-type]
        issuer = thaivc.Issuer(key, clock=clock)
        verifier = thaivc.Verifier(Policy(), clock=clock)
        t = table(f"vc+jwt, {key.alg} ({key_type}): issue and verify (every check on)")
        for label, claims, target, _ in sizes:
            credential = thai_credential(subject, claims)
            token = issuer.issue(credential)
            report = verifier.check(token)
            assert report.ok, report.to_json()
            floor, ours, pyjwt_decode, issue = measure(
                _raw_verifier(key, token),
                lambda tok=token, v=verifier: v.check(tok),
                _pyjwt_decoder(key, token),
                lambda c=credential, i=issuer: i.issue(c),
            )
            t.row(f"raw cryptography verify — {label} ({len(token)} B token)", floor, floor)
            t.row(f"thaivc verify — {label}", ours, floor, target if key_type == "Ed25519" else "")
            t.row(f"PyJWT decode (reference) — {label}", pyjwt_decode, floor)
            t.row(f"thaivc issue — {label}", issue, floor)
        yield t

    # Streaming: memory must not grow with the number of tokens verified.
    key = generate_key("Ed25519")
    issuer = thaivc.Issuer(key, clock=clock)
    verifier = thaivc.Verifier(Policy(), clock=clock)
    tokens = [issuer.issue(thai_credential(generate_key("Ed25519").did)) for _ in range(50)]
    count = 20_000 if quick else 100_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verified = sum(1 for i in range(count) if verifier.check(tokens[i % len(tokens)]).ok)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = table(f"streaming verification of {count:,} tokens")
    t.row(f"verified {verified:,}; max RSS {before:.0f} → {after:.0f} MB (target: < 64 MB resident)", 0.0)
    yield t


def _di_credential(subject: str, claims: int | None = None) -> dict[str, Any]:
    """The Thai credential for Data Integrity: its subject terms need a context that defines them
    (the v2 context has no ``@vocab``), so the bundled examples context is added."""
    credential = thai_credential(subject, claims)
    credential["@context"] = [*credential["@context"], "https://www.w3.org/ns/credentials/examples/v2"]
    return credential


def di(measure: Measure, table: Any, *, quick: bool) -> Iterator[Any]:
    from thaivc.di import add_proof, verify_proofs
    from thaivc.engine.verify.di import default_contexts

    clock = FixedClock.at("2026-06-01T00:00:00Z")
    subject = generate_key("Ed25519").did
    key = generate_key("Ed25519")
    contexts = default_contexts()
    verifier = thaivc.Verifier(Policy(), clock=clock, contexts=contexts)
    targets = {
        ("eddsa-rdfc-2022", None): "≤ 5",
        ("eddsa-jcs-2022", None): "≤ 1.5",
        ("eddsa-rdfc-2022", 1000): "≤ 40",
    }
    for label, claims in (("1.5 KB Thai credential", None), ("1,000 claims", 1000)):
        credential = _di_credential(subject, claims)
        t = table(f"Data Integrity verify, Ed25519 — {label}")
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            signed = add_proof(dict(credential, issuer=key.did), key, suite, clock=clock)
            assert verifier.check(signed).ok
            public = key.public.crypto
            message = bytes(64)  # what a suite signs: two SHA-256 digests
            signature = key.sign(message)
            floor, proofs, checked, issued = measure(
                lambda p=public, s=signature, m=message: p.verify(s, m),
                lambda d=signed: verify_proofs(d, clock=clock, contexts=contexts, jsonld_checked=True),
                lambda d=signed: verifier.check(d),
                lambda c=credential, s=suite: add_proof(c, key, s, clock=clock),
            )
            target = targets.get((suite, claims), "")
            t.row(f"raw Ed25519 verify of the 64-byte hash data ({suite})", floor, floor)
            t.row(f"verify_proofs — {suite}", proofs, floor)
            t.row(f"Verifier.check (every check) — {suite}", checked, floor, target)
            t.row(f"issue — {suite}", issued, floor)
        yield t


class _AdmitEveryChallenge:
    """A challenge store that admits a challenge every time, so one presentation can be timed
    repeatedly; a real store consumes it once (and the replay is refused)."""

    def consume(self, challenge: str) -> bool:
        return True


def sdjwt(measure: Measure, table: Any, *, quick: bool) -> Iterator[Any]:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    agency, wallet = generate_key("P-256"), generate_key("P-256")
    claims = ("givenName", "familyName", "birthDate", "citizenId", "nationality", "gender", "province", "ial")
    credential = thai_credential(wallet.did)
    subject = {"id": wallet.did, "givenName": "สมหญิง", "familyName": "ใจดี", "birthDate": "1995-08-12",
               "citizenId": "1101700203451", "nationality": "TH", "gender": "F", "province": "กรุงเทพมหานคร",
               "ial": "2.3"}
    credential["credentialSubject"] = subject
    sd = thaivc.Issuer(agency, clock=clock).issue(
        credential, format="dc+sd-jwt", disclosable=[f"/credentialSubject/{c}" for c in claims]
    )
    challenge, domain = thaivc.new_challenge(), "https://rd.go.th"
    presented = thaivc.Holder(wallet, clock=clock).present(
        [sd], disclose=[f"/credentialSubject/{c}" for c in claims[:4]], challenge=challenge, domain=domain
    )
    verifier = thaivc.Verifier(Policy(), clock=clock, challenge_store=_AdmitEveryChallenge())
    report = verifier.check(presented, challenge=challenge, domain=domain)
    assert report.ok and len(report.details["disclosed"]) == 4, report.to_json()
    issuer_jwt, kb_jwt = presented.split("~", 1)[0], presented.rsplit("~", 1)[1]
    raw_issuer, raw_kb = _raw_verifier(agency, issuer_jwt), _raw_verifier(wallet, kb_jwt)

    def both_signatures() -> None:
        raw_issuer()
        raw_kb()

    floor, signatures, ours = measure(
        raw_issuer,
        both_signatures,
        lambda: verifier.check(presented, challenge=challenge, domain=domain),
    )
    t = table("SD-JWT VC, ES256 (P-256), key binding on, 4 of 8 claims disclosed")
    t.row(f"raw cryptography ES256 verify of the issuer JWT ({len(issuer_jwt)} B)", floor, floor)
    t.row("raw cryptography ES256 verify of the issuer JWT and the KB-JWT", signatures, floor)
    t.row(f"thaivc verify — SD-JWT+KB ({len(presented)} B, issuer and KB signatures)", ours, floor, "≤ 2.6")
    yield t


def status(measure: Measure, table: Any, *, quick: bool) -> Iterator[Any]:
    import tempfile
    import time
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from thaivc.status import FetchResult, SqliteStatusStore, StatusChecker, StatusRegistry

    clock = FixedClock.at("2026-03-01T00:00:00Z")
    issuer_id, base = "did:example:bench", "https://status.example/bench"
    private = Ed25519PrivateKey.generate()
    bodies: dict[str, bytes] = {}

    def sign(document: dict[str, Any]) -> str:
        return pyjwt.encode(document, private, algorithm="EdDSA", headers={"typ": "vc+jwt"})

    def verify(token: str | dict[str, Any]) -> dict[str, Any]:
        assert isinstance(token, str)
        payload: dict[str, Any] = pyjwt.decode(
            token, private.public_key(), algorithms=["EdDSA"], options={"verify_exp": False, "verify_iat": False,
                                                                        "verify_nbf": False, "verify_aud": False}
        )
        return payload

    def fetch(url: str) -> FetchResult:
        return FetchResult(url, 200, bodies[url], "application/vc+jwt", None)

    t = table("credential status (W3C Bitstring Status List)")
    with tempfile.TemporaryDirectory() as tmp:
        registry = StatusRegistry(SqliteStatusStore(Path(tmp) / "s.db"), base_url=base, issuer_id=issuer_id,
                                  clock=clock)
        entries = [registry.entry_for(f"c{i}") for i in range(64)]
        registry.revoke_many([f"c{i}" for i in range(0, 64, 2)])
        list_id = registry.allocate("c0").list_id
        bodies[registry.list_url(list_id)] = registry.publish(list_id, sign=sign).body.encode()
        checker = StatusChecker(fetch, verify, clock=clock)
        assert checker.check_entry(entries[0], issuer=issuer_id).code == "status.revoked"
        assert checker.check_entry(entries[1], issuer=issuer_id).ok
        (cached,) = measure(lambda e=entries[1]: checker.check_entry(e, issuer=issuer_id))
        t.row("status check of one entry against a cached list", cached)

        batch = StatusRegistry(SqliteStatusStore(Path(tmp) / "batch.db"), base_url=base, issuer_id=issuer_id)
        count = 100_000
        ids = [f"urn:uuid:{i:08d}" for i in range(count)]
        started = time.perf_counter()
        batch.allocate_many(ids)
        allocated = time.perf_counter() - started
        started = time.perf_counter()
        assert batch.revoke_many(ids) == count
        revoked = time.perf_counter() - started
        t.row(f"allocate {count:,} credentials in one batch, SQLite (s, not µs)", allocated)
        t.row(f"revoke {count:,} credentials in one batch, SQLite (s, not µs)", revoked)
    yield t


# -- one work budget per request (docs/security.md#l7) ---------------------------------------------

_V2 = "https://www.w3.org/ns/credentials/v2"
_LINK = "https://example.org/link"
_MEMBER = "https://example.org/member"


def _hostile_credential(issuer: str, subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [_V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


def _unsigned_proof(key: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": key.kid,
        "proofPurpose": "assertionMethod",
        "created": "2026-01-01T00:00:00Z",
        "proofValue": "z" + "1" * 64,
        **extra,
    }


def _hostile_inputs(key: PrivateKey, clock: FixedClock) -> dict[str, Any]:
    """The worst inputs under the 64 KiB cap found for the budget, by the attack they stand for."""
    from thaivc.di import add_proof
    from thaivc.engine.holder import Holder

    ring = {_MEMBER: [{"@id": f"_:n{i}", _LINK: {"@id": f"_:n{(i + 1) % 24}"}} for i in range(24)]}
    chain = add_proof(_hostile_credential(key.did, ring), key, proof_id="urn:p:0", clock=clock)
    for i in range(1, 32):
        previous = [f"urn:p:{j}" for j in range(i)]
        chain = add_proof(chain, key, proof_id=f"urn:p:{i}", previous_proof=previous, clock=clock)
    clique = {
        _MEMBER: [{"@id": f"_:c{i}", _LINK: [{"@id": f"_:c{j}"} for j in range(6) if j != i]} for i in range(6)]
    }
    proof_set = _hostile_credential(key.did, clique)
    proof_set["proof"] = [_unsigned_proof(key, nonce=str(i)) for i in range(32)]
    literals = _hostile_credential(key.did, {_LINK: [f"v{i}" for i in range(5000)]})
    literals["proof"] = _unsigned_proof(key)
    merged = _hostile_credential(key.did, {_MEMBER: [{"@id": "urn:x:1", _LINK: f"v{i}"} for i in range(900)]})
    merged["proof"] = _unsigned_proof(key)
    inner = _hostile_credential(key.did, {_LINK: [f"v{i}" for i in range(400)]})
    inner["proof"] = _unsigned_proof(key)
    vp = Holder(key, clock=clock).presentation([inner] * 16)
    vp["proof"] = _unsigned_proof(key, proofPurpose="authentication")
    return {
        "32 genuine chained proofs over blank nodes (the review's)": chain,
        "32 proofs over a blank-node clique (RDFC limit)": proof_set,
        "5,000 values on one property (pyld n²)": literals,
        "900 objects merged into one node (pyld n²)": merged,
        "presentation of 16 × 400-value credentials": vp,
    }


def budget(measure: Measure, table: Any, *, quick: bool) -> Iterator[Any]:
    """Worst inputs under the size cap: each is refused within the one budget of its ``check()``."""
    import json
    import time

    from thaivc.core.budget import DEFAULT_BUDGET, request_budget

    clock = FixedClock.at("2026-06-01T00:00:00Z")
    key = generate_key("Ed25519")
    verifier = thaivc.Verifier(Policy(), clock=clock)
    t = table(f"One work budget per check() — {DEFAULT_BUDGET:,} units; µs for the whole refusal")
    for name, doc in _hostile_inputs(key, clock).items():
        text = json.dumps(doc, ensure_ascii=False)
        best = float("inf")
        for _ in range(2 if quick else 5):
            with request_budget() as spent:
                started = time.perf_counter()
                report = verifier.check(text)
                best = min(best, time.perf_counter() - started)
        verdict = f"{report.status}: {report.codes[0] if report.codes else '-'}"
        size = len(text.encode("utf-8")) // 1024
        t.row(f"{name} — {size} KB, {spent.spent:,} units", best * 1e6, None, f"< 1 s ({verdict})")
    yield t


SECTIONS: dict[str, Callable[..., Iterator[Any]]] = {
    "jose": jose,
    "di": di,
    "sdjwt": sdjwt,
    "status": status,
    "budget": budget,
}
