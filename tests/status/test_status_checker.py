"""Verifier-side status checks: docs/security.md group H, cases 52–54, caching, IETF tokens, httpx fetcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from status_helpers import JwsKeys, ListServer, unsigned

from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.core.report import ReportBuilder
from thaivc.status import (
    FetchResult,
    MemoryStatusCache,
    SqliteStatusStore,
    StatusChecker,
    StatusRegistry,
    encode_bitstring,
    httpx_fetcher,
    parse_max_age,
)

ISSUER = "did:example:dopa"
BASE = "https://status.example.go.th/lists"
T0 = "2026-03-01T00:00:00Z"


class World:
    """An issuer (registry + key), a list server and a verifier clock."""

    def __init__(self, tmp_path: Path) -> None:
        self.clock = FixedClock.at(T0)
        self.keys = JwsKeys()
        self.store = SqliteStatusStore(tmp_path / "status.db")
        self.registry = StatusRegistry(
            self.store,
            base_url=BASE,
            issuer_id=ISSUER,
            clock=self.clock,
            status_messages=["active", "under review", "address changed", "deceased"],
        )
        self.server = ListServer()

    def credential(self, cid: str, *purposes: str) -> dict[str, Any]:
        entries = [self.registry.entry_for(cid, p) for p in purposes or ("revocation",)]  # type: ignore[arg-type]
        return {"issuer": ISSUER, "id": cid, "credentialStatus": entries[0] if len(entries) == 1 else entries}

    def publish_all(self, fmt: str = "w3c", **kwargs: Any) -> None:
        sign = self.keys.sign_w3c if fmt == "w3c" else self.keys.sign_ietf
        for info in self.registry.lists():
            pub = self.registry.publish(info.list_id, fmt, sign=sign, **kwargs)  # type: ignore[arg-type]
            self.server.put(self.registry.list_url(info.list_id, fmt), pub.body)  # type: ignore[arg-type]

    def checker(self, **kwargs: Any) -> StatusChecker:
        kwargs.setdefault("clock", self.clock)
        return StatusChecker(self.server, self.keys.verify, **kwargs)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


# -- verdicts ----------------------------------------------------------------------------------


def test_valid_revoked_suspended_and_reinstated(world: World) -> None:
    alice = world.credential("urn:uuid:alice", "revocation", "suspension")
    bob = world.credential("urn:uuid:bob", "revocation", "suspension")
    world.registry.revoke("urn:uuid:bob")
    world.registry.suspend("urn:uuid:alice")
    world.publish_all()
    checker = world.checker()
    assert [(r.purpose, r.code) for r in checker.check_credential(alice)] == [
        ("revocation", None),
        ("suspension", "status.suspended"),
    ]
    assert [(r.purpose, r.code) for r in checker.check_credential(bob)] == [
        ("revocation", "status.revoked"),
        ("suspension", None),
    ]
    world.registry.reinstate("urn:uuid:alice")
    world.publish_all()
    fresh = world.checker()
    assert all(r.ok for r in fresh.check_credential(alice))


def test_message_purpose_returns_the_message(world: World) -> None:
    cred = world.credential("urn:uuid:carol", "message")
    world.registry.set_message("urn:uuid:carol", 2)
    world.publish_all()
    (result,) = world.checker().check_credential(cred)
    assert (result.value, result.message, result.code) == (2, "address changed", None)


def test_raise_for_status(world: World) -> None:
    cred = world.credential("urn:uuid:dave")
    world.registry.revoke("urn:uuid:dave")
    world.publish_all()
    (result,) = world.checker().check_credential(cred)
    with pytest.raises(ThaiVCError) as exc:
        result.raise_for_status()
    assert exc.value.code == "status.revoked"


def test_record_into_a_report(world: World) -> None:
    cred = world.credential("urn:uuid:erin")
    world.registry.revoke("urn:uuid:erin")
    world.publish_all()
    builder = ReportBuilder()
    world.checker().record(builder, cred)
    report = builder.build()
    assert report.status == "failed"
    assert report.codes == ["status.revoked"]
    world.server.fail_with = OSError("down")
    builder = ReportBuilder()
    world.checker().record(builder, cred)
    assert builder.build().status == "indeterminate"


def test_no_credential_status_means_no_check(world: World) -> None:
    assert world.checker().check_credential({"issuer": ISSUER}) == ()


def test_unsupported_status_type_is_not_valid(world: World) -> None:
    cred = {"issuer": ISSUER, "credentialStatus": {"type": "StatusList2021Entry", "statusListIndex": "1"}}
    with pytest.raises(Indeterminate) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.not_checked"


# -- H.50 at the checker -------------------------------------------------------------------------


@pytest.mark.parametrize("index", ["-1", "0x10", "1e3", " 5", "1_000", "๑๒", "131072", 5])
def test_h50_bad_index_in_an_entry(world: World, index: object) -> None:
    cred = world.credential("urn:uuid:frank")
    world.publish_all()
    cred["credentialStatus"]["statusListIndex"] = index
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.index_invalid"


def test_h50_status_size_without_messages(world: World) -> None:
    cred = world.credential("urn:uuid:gina", "message")
    world.publish_all()
    del cred["credentialStatus"]["statusMessage"]
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.malformed"
    cred["credentialStatus"]["statusMessage"] = [{"status": "0x0", "message": "only one"}]
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.malformed"


# -- H.52 unverified list ------------------------------------------------------------------------------


def test_h52_bad_signature(world: World) -> None:
    cred = world.credential("urn:uuid:hana")
    world.publish_all()
    url = cred["credentialStatus"]["statusListCredential"]
    forged = JwsKeys().sign_w3c(json.loads(json.dumps(world.keys.verify(world.server.bodies[url].decode()))))
    world.server.put(url, forged)
    with pytest.raises(ThaiVCError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.verification"
    assert exc.value.problem_type is not None and exc.value.problem_type.endswith("STATUS_VERIFICATION_ERROR")


def _list_doc(world: World, cred: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    url = cred["credentialStatus"]["statusListCredential"]
    return url, world.keys.verify(world.server.bodies[url].decode())


def test_h52_type_and_purpose(world: World) -> None:
    cred = world.credential("urn:uuid:ivan")
    world.publish_all()
    url, doc = _list_doc(world, cred)
    wrong_type = dict(doc, type=["VerifiableCredential"])
    wrong_purpose = dict(doc, credentialSubject=dict(doc["credentialSubject"], statusPurpose="suspension"))
    wrong_id = dict(doc, id=url + "x")
    wrong_subject_type = dict(doc, credentialSubject=dict(doc["credentialSubject"], type="StatusList2021"))
    for bad in (wrong_type, wrong_purpose, wrong_id, wrong_subject_type):
        world.server.put(url, world.keys.sign_w3c(bad))
        with pytest.raises(ThaiVCError) as exc:
            world.checker().check_credential(cred)
        assert exc.value.code == "status.verification"


def test_h52_bits_are_read_only_after_verification(world: World) -> None:
    # a badly signed list carrying a bomb must fail on the signature, never reach the inflater
    cred = world.credential("urn:uuid:jack")
    world.publish_all()
    url, doc = _list_doc(world, cred)
    import gzip

    from thaivc.core.b64 import b64url_encode

    bomb = "u" + b64url_encode(gzip.compress(bytes(64 * 1024 * 1024)))
    doc["credentialSubject"]["encodedList"] = bomb
    world.server.put(url, JwsKeys().sign_w3c(doc))
    with pytest.raises(ThaiVCError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.verification"
    world.server.put(url, world.keys.sign_w3c(doc))
    with pytest.raises(InputError) as exc2:
        world.checker().check_credential(cred)
    assert exc2.value.code == "status.too_large"


def test_h52_undecidable_verification_is_indeterminate(world: World) -> None:
    cred = world.credential("urn:uuid:kim")
    world.publish_all()

    def cannot_decide(_: object) -> dict[str, Any]:
        raise Indeterminate("did.resolver_unavailable")

    checker = StatusChecker(world.server, cannot_decide, clock=world.clock)
    with pytest.raises(Indeterminate) as exc:
        checker.check_credential(cred)
    assert exc.value.code == "status.unavailable"


# -- H.53 another issuer ----------------------------------------------------------------------------


def test_h53_list_signed_by_another_issuer(world: World, tmp_path: Path) -> None:
    cred = world.credential("urn:uuid:lek")
    world.publish_all()
    cred["issuer"] = {"id": "did:example:someone-else"}
    with pytest.raises(ThaiVCError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.verification"
    # trusted globally, or for exactly this credential issuer
    assert world.checker(trusted_status_issuers=[ISSUER]).check_credential(cred)[0].ok
    trusted_map = {"did:example:someone-else": [ISSUER]}
    assert world.checker(trusted_status_issuers=trusted_map).check_credential(cred)[0].ok
    with pytest.raises(ThaiVCError) as exc:
        world.checker(trusted_status_issuers={"did:example:third": [ISSUER]}).check_credential(cred)
    assert exc.value.code == "status.verification"


# -- H.54 stale or missing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure", [OSError("connection refused"), TimeoutError(), Indeterminate("did.not_found")]
)
def test_h54_fetch_failure_is_indeterminate(world: World, failure: BaseException) -> None:
    cred = world.credential("urn:uuid:mai")
    world.publish_all()
    world.server.fail_with = failure
    with pytest.raises(Indeterminate) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.unavailable"


def test_h54_list_past_valid_until(world: World) -> None:
    cred = world.credential("urn:uuid:nok")
    world.publish_all(valid_for=3600)
    world.clock.advance(3600 + 300)  # past validUntil plus the leeway
    with pytest.raises(Indeterminate) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.unavailable"


def test_h54_cache_expires_with_max_age_and_refetches(world: World) -> None:
    cred = world.credential("urn:uuid:oat")
    world.publish_all(ttl=3600)
    world.server.max_age = 60
    checker = world.checker()
    assert checker.check_credential(cred)[0].ok
    assert checker.check_credential(cred)[0].ok
    assert world.server.calls == 1
    world.registry.revoke("urn:uuid:oat")
    world.publish_all(ttl=3600)
    world.clock.advance(59)
    assert checker.check_credential(cred)[0].ok  # still the cached list
    world.clock.advance(1)
    assert checker.check_credential(cred)[0].code == "status.revoked"
    assert world.server.calls == 2


def test_h54_expired_cache_with_failing_fetch_is_never_valid(world: World) -> None:
    cred = world.credential("urn:uuid:pim")
    world.publish_all(ttl=30)
    checker = world.checker()
    assert checker.check_credential(cred)[0].ok
    world.clock.advance(31)
    world.server.fail_with = OSError("down")
    with pytest.raises(Indeterminate) as exc:
        checker.check_credential(cred)
    assert exc.value.code == "status.unavailable"


def test_ttl_valid_until_and_no_store_bound_the_cache(world: World) -> None:
    cred = world.credential("urn:uuid:quin")
    world.publish_all(ttl=10)  # the list's own ttl (written in milliseconds)
    checker = world.checker()
    checker.check_credential(cred)
    world.clock.advance(10)
    checker.check_credential(cred)
    assert world.server.calls == 2
    world.server.max_age = 0  # Cache-Control: no-store
    world.clock.advance(10)
    checker.check_credential(cred)
    checker.check_credential(cred)
    assert world.server.calls == 4


def test_cache_is_bounded() -> None:
    cache = MemoryStatusCache(max_entries=2)
    from thaivc.status import Bitstring, CachedList

    item = CachedList("u", "w3c", None, frozenset(), Bitstring(b"\x00"), 0.0, 1.0, {})
    for key in "abc":
        cache.put(key, item)
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") is item


def test_not_yet_valid_list(world: World) -> None:
    cred = world.credential("urn:uuid:ratt")
    world.publish_all()
    world.clock.advance(-3600)
    with pytest.raises(Indeterminate):
        world.checker().check_credential(cred)


def test_malformed_bodies_and_documents(world: World) -> None:
    cred = world.credential("urn:uuid:som")
    url = cred["credentialStatus"]["statusListCredential"]
    world.server.put(url, b'{"a":1,"a":2}')
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.verification"
    world.server.put(url, "ไม่ใช่ JWS".encode())
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.verification"
    bad_dates = {
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "id": url,
        "issuer": ISSUER,
        "validUntil": "2026-13-01",
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "u",
        },
    }
    checker = StatusChecker(world.server, unsigned(bad_dates), clock=world.clock)
    world.server.put(url, b"{}")
    with pytest.raises(InputError) as exc:
        checker.check_credential(cred)
    assert exc.value.code == "status.verification"


def test_short_list_is_a_length_error_at_the_checker(world: World) -> None:
    cred = world.credential("urn:uuid:tee")
    url = cred["credentialStatus"]["statusListCredential"]
    doc = {
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "id": url,
        "issuer": ISSUER,
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(bytes(1024)),
        },
    }
    world.server.put(url, world.keys.sign_w3c(doc))
    with pytest.raises(InputError) as exc:
        world.checker().check_credential(cred)
    assert exc.value.code == "status.list_too_short"
    cred["credentialStatus"]["statusListIndex"] = "100"
    assert world.checker(min_entries=8192).check_credential(cred)[0].ok


# -- IETF token status lists ----------------------------------------------------------------------------


def _token(world: World, cid: str, purpose: str = "revocation") -> dict[str, Any]:
    return {"iss": ISSUER, "status": world.registry.entry_for(cid, purpose, format="ietf")}  # type: ignore[arg-type]


def test_ietf_valid_invalid_suspended(world: World) -> None:
    ok, gone, paused = _token(world, "t:ok"), _token(world, "t:gone"), _token(world, "t:paused", "suspension")
    world.registry.revoke("t:gone")
    world.registry.suspend("t:paused")
    world.server.content_type = "application/statuslist+jwt"
    world.publish_all("ietf")
    checker = world.checker()
    assert checker.check_token(ok).code is None
    assert (checker.check_token(gone).value, checker.check_token(gone).code) == (1, "status.revoked")
    assert (checker.check_token(paused).value, checker.check_token(paused).code) == (2, "status.suspended")


def test_ietf_sub_issuer_and_expiry(world: World) -> None:
    claims = _token(world, "t:x")
    world.publish_all("ietf", valid_for=600)
    uri = claims["status"]["status_list"]["uri"]
    payload = world.keys.verify(world.server.bodies[uri].decode())
    world.server.put(uri, world.keys.sign_ietf(dict(payload, sub=uri + "/other")))
    with pytest.raises(ThaiVCError) as exc:
        world.checker().check_token(claims)
    assert exc.value.code == "status.verification"
    world.server.put(uri, world.keys.sign_ietf(dict(payload, iss="did:example:other")))
    with pytest.raises(ThaiVCError) as exc:
        world.checker().check_token(claims)
    assert exc.value.code == "status.verification"
    world.server.put(uri, world.keys.sign_ietf(payload))
    world.clock.advance(600 + 300)
    with pytest.raises(Indeterminate) as exc2:
        world.checker().check_token(claims)
    assert exc2.value.code == "status.unavailable"


def test_ietf_application_specific_value_is_not_valid(world: World) -> None:
    from thaivc.status import TokenStatusListBuilder, status_list_token_payload

    uri = "https://status.example.go.th/tokens/app"
    builder = TokenStatusListBuilder(16, 2)
    builder.set(3, 3)
    now = int(world.clock.now())
    payload = status_list_token_payload(
        subject=uri, status_list=builder.to_json(), issued_at=now, issuer=ISSUER
    )
    world.server.put(uri, world.keys.sign_ietf(payload))
    result = world.checker().check_token({"iss": ISSUER, "status": {"status_list": {"idx": 3, "uri": uri}}})
    assert (result.value, result.code, result.ok) == (3, "status.unrecognized", False)


# -- httpx fetcher ----------------------------------------------------------------------------------------


def test_httpx_fetcher_with_mock_transport(world: World) -> None:
    cred = world.credential("urn:uuid:uma")
    world.registry.revoke("urn:uuid:uma")
    world.publish_all()
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        body = world.server.bodies.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        return httpx.Response(
            200, content=body, headers={"content-type": "application/vc+jwt", "cache-control": "max-age=120"}
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        fetch = httpx_fetcher(client)
        url = cred["credentialStatus"]["statusListCredential"]
        fetched = fetch(url)
        assert (fetched.content_type, fetched.max_age) == ("application/vc+jwt", 120)
        checker = StatusChecker(fetch, world.keys.verify, clock=world.clock)
        assert checker.check_credential(cred)[0].code == "status.revoked"
        with pytest.raises(Indeterminate) as exc:
            fetch(url + "/missing")
        assert exc.value.code == "status.unavailable"
        small = httpx_fetcher(client, max_bytes=100)
        with pytest.raises(InputError) as exc2:
            small(url)
        assert exc2.value.code == "status.too_large"


def test_httpx_fetcher_network_error_is_indeterminate() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client, pytest.raises(Indeterminate) as exc:
        httpx_fetcher(client)("https://status.example/x")
    assert exc.value.code == "status.unavailable"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("max-age=60", 60),
        ("public, max-age=5", 5),
        ("no-store", 0),
        ("no-cache, max-age=60", 0),
        ("private", None),
        ("max-age=-1", None),
    ],
)
def test_parse_max_age(header: str | None, expected: int | None) -> None:
    assert parse_max_age(header) == expected


def test_fetcher_returning_garbage_is_indeterminate(world: World) -> None:
    cred = world.credential("urn:uuid:vee")
    checker = StatusChecker(lambda url: "not a FetchResult", world.keys.verify, clock=world.clock)  # type: ignore[arg-type,return-value]
    with pytest.raises(Indeterminate):
        checker.check_credential(cred)
    huge = StatusChecker(
        lambda url: FetchResult(url, 200, b"x" * 100, "application/vc+jwt"),
        world.keys.verify,
        clock=world.clock,
        max_fetch_bytes=10,
    )
    with pytest.raises(InputError) as exc:
        huge.check_credential(cred)
    assert exc.value.code == "status.too_large"


def test_h54_list_older_than_policy_allows(world: World) -> None:
    cred = world.credential("urn:uuid:wan")
    world.publish_all(valid_for=86_400, ttl=86_400)
    checker = world.checker(max_list_age=600)
    assert checker.check_credential(cred)[0].ok
    world.clock.advance(601)  # still inside validUntil and ttl, but older than the policy's age
    world.server.fail_with = OSError("the only copy is the old one")
    with pytest.raises(Indeterminate) as exc:
        checker.check_credential(cred)
    assert exc.value.code == "status.unavailable"
    world.server.fail_with = None
    with pytest.raises(Indeterminate):
        checker.check_credential(cred)  # re-fetched, but the issuer has not republished since


def test_cache_is_shared_safely_between_threads(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    creds = [world.credential(f"urn:uuid:th{i}") for i in range(32)]
    world.registry.revoke_many([f"urn:uuid:th{i}" for i in range(0, 32, 2)])
    world.publish_all()
    checker = world.checker(cache=MemoryStatusCache(max_entries=1))
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda c: checker.check_credential(c)[0].code, creds * 20))
    assert codes == [("status.revoked" if i % 2 == 0 else None) for i in range(32)] * 20
