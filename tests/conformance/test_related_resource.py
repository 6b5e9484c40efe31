"""Item 1: ``relatedResource`` is validated on issue and its digests checked on verify, offline.

The v2 context's published digest (VCDM 2.0 Appendix B.1) is checked against the bundled bytes; a
document the verifier was given is checked too; anything else is reported — indeterminate under
``Policy(require_related_resources=True)``, a visible skip otherwise — never silently passed.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

import thaivc
from thaivc.core.errors import ThaiVCError
from thaivc.keys._base58 import b58encode

from .helpers import V2, clock, codes, credential

#: VCDM 2.0 Appendix B.1: the digest the W3C publishes for the v2 base context.
V2_SRI = "sha384-l/HrjlBCNWyAX91hr6LFV2Y3heB5Tcr6IeE4/Tje8YyzYBM8IhqjHWiWpr8+ZbYU"
DOC_URL = "https://registry.example.go.th/forms/dopa-101.pdf"
DOC = "แบบคำขอ ท.ร.101".encode()


def multibase_sha256(content: bytes) -> str:
    return "z" + b58encode(b"\x12\x20" + hashlib.sha256(content).digest())


def sri(content: bytes, alg: str = "sha384") -> str:
    return f"{alg}-" + base64.b64encode(hashlib.new(alg, content).digest()).decode()


def _issue(related: Any, fmt: str = "vc+jwt", **options: Any) -> tuple[thaivc.PrivateKey, Any]:
    agency = thaivc.generate_key("Ed25519")
    doc = credential(agency.did, relatedResource=related)
    return agency, thaivc.Issuer(agency, clock=clock()).issue(doc, format=fmt, **options)  # type: ignore[arg-type]


def _verifier(*, require: bool = False, documents: dict[str, bytes] | None = None) -> thaivc.Verifier:
    return thaivc.Verifier(
        thaivc.Policy(require_related_resources=require), clock=clock(), related_documents=documents
    )


@pytest.mark.parametrize("fmt", ["vc+jwt", "di", "dc+sd-jwt"])
def test_the_published_v2_digest_matches_the_bundled_context(fmt: str) -> None:
    options = {"cryptosuite": "eddsa-jcs-2022"} if fmt == "di" else {}
    agency, secured = _issue([{"id": V2, "digestSRI": V2_SRI}], fmt, **options)
    if fmt == "dc+sd-jwt":
        challenge = thaivc.new_challenge()
        holder = thaivc.Holder(agency, clock=clock())
        secured = holder.present([secured], challenge=challenge, domain="https://rd.go.th", disclose=[])
        report = _verifier(require=True).check(secured, challenge=challenge, domain="https://rd.go.th")
    else:
        report = _verifier(require=True).check(secured)
    assert report.ok, report.to_json()
    assert report.check("related") is not None and report.check("related").status == "pass"


def test_a_wrong_digest_of_a_bundled_context_fails() -> None:
    wrong = sri(b"a context the issuer never saw")
    # another library issues it (thaivc's issuer cannot tell: it does not compare digests on issue)
    _, token = _issue([{"id": V2, "digestSRI": wrong}])
    report = _verifier().check(token)
    assert report.status == "failed" and "vc.related_resource_mismatch" in codes(report)


def test_every_digest_of_an_entry_must_match() -> None:
    entry = {"id": DOC_URL, "digestSRI": sri(DOC), "digestMultibase": multibase_sha256(b"other bytes")}
    _, token = _issue([entry])
    report = _verifier(documents={DOC_URL: DOC}).check(token)
    assert "vc.related_resource_mismatch" in codes(report)


@pytest.mark.parametrize("digest", ["sri256", "sri384", "sri512", "multibase"])
def test_a_registered_document_is_checked(digest: str) -> None:
    value = {
        "sri256": {"digestSRI": sri(DOC, "sha256")},
        "sri384": {"digestSRI": sri(DOC)},
        "sri512": {"digestSRI": sri(DOC, "sha512")},
        "multibase": {"digestMultibase": multibase_sha256(DOC)},
    }[digest]
    _, token = _issue([{"id": DOC_URL, "mediaType": "application/pdf", **value}])
    assert _verifier(require=True, documents={DOC_URL: DOC}).check(token).ok
    tampered = _verifier(require=True, documents={DOC_URL: DOC + b"!"}).check(token)
    assert "vc.related_resource_mismatch" in codes(tampered)


def test_an_unreachable_resource_is_reported_never_silent() -> None:
    _, token = _issue([{"id": DOC_URL, "digestSRI": sri(DOC)}])
    relaxed = _verifier().check(token)
    assert relaxed.ok
    check = relaxed.check("related")
    assert check is not None and check.status == "skip" and DOC_URL in check.detail
    strict = _verifier(require=True).check(token)
    assert strict.status == "indeterminate" and "vc.related_resource_unchecked" in codes(strict)


@pytest.mark.parametrize(
    "related",
    [
        [],
        "https://example.com/x",
        [{"digestSRI": V2_SRI}],
        [{"id": "not a url", "digestSRI": V2_SRI}],
        [{"id": V2}],
        [{"id": V2, "digestSRI": V2_SRI}, {"id": V2, "digestSRI": V2_SRI}],
        [{"id": V2, "digestSRI": "md5-1B2M2Y8AsgTpgAmY7PhCfg=="}],
        [{"id": V2, "digestSRI": "sha384-!!!"}],
        [{"id": V2, "digestSRI": "sha384-" + base64.b64encode(b"short").decode()}],
        [{"id": V2, "digestMultibase": "mAAAA"}],
        [{"id": V2, "digestMultibase": "z" + b58encode(b"\x11\x14" + b"\0" * 20)}],  # sha1 multihash
        [{"id": V2, "digestMultibase": "z" + b58encode(b"\x12\x20" + b"\0" * 31)}],  # short
        [{"id": V2, "digestSRI": V2_SRI, "mediaType": 5}],
        [{"id": f"https://x.example/{i}", "digestSRI": V2_SRI} for i in range(65)],
    ],
)
def test_a_malformed_related_resource_is_not_issued_nor_accepted(related: Any) -> None:
    agency = thaivc.generate_key("Ed25519")
    doc = credential(agency.did, relatedResource=related)
    with pytest.raises(ThaiVCError) as info:
        thaivc.Issuer(agency, clock=clock()).issue(doc)
    assert info.value.code in {"vc.related_resource_invalid", "input.too_large"}
    # signed by another library that does not check it: the verifier refuses it as well
    from thaivc.jose import sign_compact

    token = sign_compact({"typ": "vc+jwt"}, {**doc, "issuer": agency.did, "iat": 1780000000}, agency)
    report = _verifier().check(token)
    assert report.status == "failed"
    assert codes(report) & {"vc.related_resource_invalid", "input.too_large"}
