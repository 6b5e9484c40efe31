"""EtdaTrustedList: detached-JWS signature by the anchor, parsing, refresh by next_update, policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

import thaivc
from net.fakes import FakeFetcher
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.net import FetchResult
from thaivc.testing.plugin import seeded_key
from thaivc.trust import EtdaTrustedList, TrustSource

from .etda_fixtures import encode, entity, service, sign_detached, trusted_list

ANCHOR = seeded_key("etda-anchor")
DOPA = "did:web:dopa.go.th"
URL = "https://trust.etda.or.th/trusted-list.json"
SIG_URL = URL + ".jws"
CRED = {"type": ["VerifiableCredential", "ThaiNationalIDCredential"]}


def clock(at: str = "2026-06-01T00:00:00Z") -> FixedClock:
    return FixedClock.at(at)


def offline(document: dict[str, Any], at: str = "2026-06-01T00:00:00Z", **options: Any) -> EtdaTrustedList:
    content = encode(document)
    return EtdaTrustedList.from_signed(
        content, sign_detached(content, ANCHOR), ANCHOR.public, clock=clock(at), **options
    )


def served(document: dict[str, Any], key: Any = ANCHOR) -> dict[str, FetchResult | Exception]:
    content = encode(document)
    return {
        URL: FetchResult(URL, 200, content, "application/json", None),
        SIG_URL: FetchResult(SIG_URL, 200, sign_detached(content, key).encode(), "application/jose", None),
    }


def test_active_issuer_trusted() -> None:
    source = offline(trusted_list(entity(service(DOPA))))
    assert isinstance(source, TrustSource)
    decision = source.check(DOPA, CRED)
    assert decision.issuer_id == DOPA
    assert decision.source == "https://trust.etda.or.th/trusted-list"
    assert decision.name_th == "กรมการปกครอง"


@pytest.mark.parametrize(
    ("document", "issuer"),
    [
        (trusted_list(entity(service(DOPA))), "did:web:dopa.go.th.evil.example"),
        (trusted_list(entity(service(DOPA))), "did:web:xn--dpa-dpa.go.th"),
        (trusted_list(entity(service(DOPA, status="suspended"))), DOPA),
        (trusted_list(entity(service(DOPA, status="revoked"))), DOPA),
        (trusted_list(entity(service(DOPA, status="unknown"))), DOPA),
        (trusted_list(entity(service(DOPA), status="suspended")), DOPA),
        (trusted_list(entity(service(DOPA, type="verifier"))), DOPA),
        (trusted_list(entity(service(DOPA, type="wallet_provider"))), DOPA),
        (trusted_list(entity(service(DOPA, credential_type="ThaiDriverLicence"))), DOPA),
        (trusted_list(entity(service(DOPA, valid_until="2026-05-01T00:00:00Z"))), DOPA),
        (trusted_list(entity(service(DOPA, valid_from="2026-07-01T00:00:00Z"))), DOPA),
        (trusted_list(), DOPA),
    ],
)
def test_untrusted(document: dict[str, Any], issuer: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        offline(document).check(issuer, CRED)
    assert info.value.code == "trust.untrusted_issuer"
    assert not isinstance(info.value, Indeterminate)


def test_credential_type_list_form() -> None:
    svc = service(DOPA, credential_type=["ThaiNationalIDCredential", "ThaiAddressCredential"])
    source = offline(trusted_list(entity(svc)))
    assert source.check(DOPA, {"type": ["VerifiableCredential", "ThaiAddressCredential"]}).issuer_id == DOPA


def test_a_second_active_service_admits_when_the_first_is_suspended() -> None:
    source = offline(trusted_list(entity(service(DOPA, status="suspended"), service(DOPA))))
    assert source.check(DOPA, CRED).issuer_id == DOPA


# -- signature ----------------------------------------------------------------------------------


def _load(content: bytes, jws: str, **options: Any) -> None:
    EtdaTrustedList.from_signed(content, jws, ANCHOR.public, clock=clock(), **options)


def test_tampered_list_refused() -> None:
    content = encode(trusted_list(entity(service(DOPA))))
    jws = sign_detached(content, ANCHOR)
    tampered = content.replace(b"suspended", b"active").replace(b"2027-01-01", b"2099-01-01")
    with pytest.raises(ThaiVCError) as info:
        _load(tampered, jws)
    assert info.value.code == "trust.list_invalid"


def test_signature_by_another_key_refused() -> None:
    content = encode(trusted_list(entity(service(DOPA))))
    with pytest.raises(ThaiVCError) as info:
        _load(content, sign_detached(content, seeded_key("impostor")))
    assert info.value.code == "trust.list_invalid"


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none"},
        {"alg": "HS256"},
        {"alg": "ES256"},
        {"typ": "JWT"},
        {"typ": None},
        {"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AA"}},
        {"jku": "https://attacker.example/keys"},
        {"x5u": "https://attacker.example/cert"},
        {"crit": ["b64"], "b64": False},
        {"kid": "someone-else"},
    ],
)
def test_header_allowlist(header: dict[str, Any]) -> None:
    content = encode(trusted_list(entity(service(DOPA))))
    with pytest.raises(ThaiVCError) as info:
        _load(content, sign_detached(content, ANCHOR, **header), anchor_kid="etda-anchor-1")
    assert info.value.code == "trust.list_invalid"


@pytest.mark.parametrize(
    "jws_of",
    [
        lambda jws: jws.replace("..", ".e30."),
        lambda jws: jws.split("..")[0] + "..",
        lambda jws: "..." + jws,
        lambda jws: "not-a-jws",
        lambda jws: b64url_encode(b"[1]") + ".." + jws.split("..")[1],
    ],
)
def test_malformed_jws(jws_of: Any) -> None:
    content = encode(trusted_list(entity(service(DOPA))))
    with pytest.raises(ThaiVCError) as info:
        _load(content, jws_of(sign_detached(content, ANCHOR)))
    assert info.value.code == "trust.list_invalid"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update({"@context": "https://example.org/other"}),
        lambda d: d.pop("next_update"),
        lambda d: d.update({"issued": "2026-05-31"}),
        lambda d: d.update({"next_update": d["issued"]}),
        lambda d: d.update({"entities": {}}),
        lambda d: d["entities"].append({"services": []}),
        lambda d: d["entities"][0]["services"].append({"did": DOPA}),
        lambda d: d["entities"][0]["services"].append(service("did:web:ไทย.th")),
        lambda d: d["entities"][0]["services"].append(service(DOPA, credential_type=[1])),
    ],
)
def test_malformed_list(mutate: Any) -> None:
    document = trusted_list(entity(service(DOPA)))
    mutate(document)
    content = encode(document)
    with pytest.raises(ThaiVCError) as info:
        _load(content, sign_detached(content, ANCHOR))
    assert info.value.code == "trust.list_invalid"


def test_duplicate_keys_in_signed_list_refused() -> None:
    content = encode(trusted_list(entity(service(DOPA))))
    content = content.replace(b'"issuer":', b'"issuer": "x", "issuer":', 1)
    with pytest.raises(ThaiVCError) as info:
        _load(content, sign_detached(content, ANCHOR))
    assert info.value.code == "trust.list_invalid"


# -- fetching, refresh and staleness -------------------------------------------------------------


def test_fetched_lazily_and_reused_until_next_update() -> None:
    fetcher = FakeFetcher(served(trusted_list(entity(service(DOPA)))))
    now = clock()
    source = EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=now)
    assert fetcher.calls == []
    source.check(DOPA, CRED)
    source.check(DOPA, CRED)
    assert fetcher.urls == [URL, SIG_URL]
    now.advance(13 * 3600)  # past next_update: refetch
    fetcher.table.update(
        served(trusted_list(entity(service(DOPA)), issued="2026-06-01T12:00:00Z", next_update="2026-06-02T12:00:00Z"))
    )
    source.check(DOPA, CRED)
    assert fetcher.urls == [URL, SIG_URL, URL, SIG_URL]


def test_stale_list_is_indeterminate() -> None:
    fetcher = FakeFetcher(served(trusted_list(entity(service(DOPA)))))
    now = clock()
    source = EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=now)
    source.check(DOPA, CRED)
    now.advance(13 * 3600)
    fetcher.table = {}  # the gateway now answers 404
    with pytest.raises(Indeterminate) as info:
        source.check(DOPA, CRED)
    assert info.value.code == "trust.list_stale"


def test_served_list_already_stale_is_indeterminate() -> None:
    fetcher = FakeFetcher(served(trusted_list(entity(service(DOPA)))))
    source = EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=clock("2026-06-03T00:00:00Z"))
    with pytest.raises(Indeterminate) as info:
        source.check(DOPA, CRED)
    assert info.value.code == "trust.list_stale"


def test_within_leeway_a_failed_refresh_keeps_the_held_list() -> None:
    fetcher = FakeFetcher(served(trusted_list(entity(service(DOPA)))))
    now = clock("2026-06-01T11:59:00Z")
    source = EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=now)
    source.check(DOPA, CRED)
    now.advance(120)  # 60 s past next_update, inside the 300 s leeway
    fetcher.table = {URL: Indeterminate("net.timeout")}
    assert source.check(DOPA, CRED).issuer_id == DOPA


def test_unreachable_list_is_indeterminate() -> None:
    fetcher = FakeFetcher({URL: Indeterminate("net.unavailable")})
    with pytest.raises(Indeterminate) as info:
        EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=clock()).check(DOPA, CRED)
    assert info.value.code == "trust.list_unavailable"


def test_badly_signed_fetch_is_indeterminate_not_trusted() -> None:
    fetcher = FakeFetcher(served(trusted_list(entity(service(DOPA))), key=seeded_key("impostor")))
    with pytest.raises(Indeterminate) as info:
        EtdaTrustedList(URL, ANCHOR.public, fetcher, clock=clock()).check(DOPA, CRED)
    assert info.value.code == "trust.list_invalid"


def test_rollback_to_an_older_list_refused() -> None:
    newer = trusted_list(entity(service(DOPA, status="revoked")), issued="2026-05-31T06:00:00Z")
    older = trusted_list(entity(service(DOPA)), issued="2026-05-30T00:00:00Z")
    source = EtdaTrustedList(URL, ANCHOR.public, FakeFetcher(served(newer)), clock=clock())
    source.refresh()
    source._fetcher = FakeFetcher(served(older))  # the attacker replays an older signed list
    with pytest.raises(ThaiVCError) as info:
        source.refresh()
    assert info.value.code == "trust.list_invalid"
    with pytest.raises(ThaiVCError) as untrusted:
        source.check(DOPA, CRED)
    assert untrusted.value.code == "trust.untrusted_issuer"


def test_anchor_must_be_a_public_key() -> None:
    with pytest.raises(ThaiVCError):
        EtdaTrustedList(URL, json.dumps(ANCHOR.public.jwk), FakeFetcher())  # type: ignore[arg-type]


def test_a_misspelt_setting_is_refused_not_ignored() -> None:
    """A misspelt keyword (a leeway never applied, a typ never pinned) fails loudly, as it did before."""
    with pytest.raises(TypeError, match="leway"):
        EtdaTrustedList(URL, ANCHOR.public, FakeFetcher(), leway=5)  # type: ignore[call-arg]


def test_verifier_reports_stale_list_as_indeterminate(thaivc_clock: FixedClock) -> None:
    key = seeded_key("etda-listed-issuer")
    token = thaivc.Issuer(key, clock=thaivc_clock).issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "ThaiNationalIDCredential"],
            "credentialSubject": {"id": "did:example:citizen"},
        }
    )
    fresh = offline(trusted_list(entity(service(key.did))), at="2026-06-01T00:00:00Z")
    assert thaivc.Verifier(clock=thaivc_clock, trust=fresh).check(token).status == "verified"
    stale = offline(trusted_list(entity(service(key.did))), at="2026-06-05T00:00:00Z")
    report = thaivc.Verifier(clock=thaivc_clock, trust=stale).check(token)
    assert report.status == "indeterminate"
    assert report.codes == ["trust.list_stale"]


def test_list_issued_in_the_future_refused() -> None:
    future = trusted_list(entity(service(DOPA)), issued="2026-06-02T00:00:00Z", next_update="2026-06-03T00:00:00Z")
    source = EtdaTrustedList(URL, ANCHOR.public, FakeFetcher(served(future)), clock=clock())
    with pytest.raises(ThaiVCError) as info:
        source.refresh()
    assert info.value.code == "trust.list_invalid"
