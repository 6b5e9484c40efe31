"""docs/security.md group H (49–55): Bitstring Status List attacks, through ``Verifier.check`` end to end.

Each credential is really issued and signed; each status list is a real list credential signed by
an issuer key (or deliberately not) and served in memory. The verifier's own checker verifies it.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from thaivc import Issuer, Verifier
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.report import VerificationReport
from thaivc.keys import generate_key
from thaivc.status import (
    MIN_ENTRIES,
    SqliteStatusStore,
    StaticFetcher,
    StatusChecker,
    StatusRegistry,
    encode_bitstring,
    publish_lists,
)

T0 = "2026-03-01T00:00:00Z"
LIST = "https://status.example.go.th/lists/h1"


def _credential(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b3f1f7e-1111-4c2a-9a55-5a7f3c000001",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:somchai"},
        "credentialStatus": entry,
    }


def _entry(index: Any = "0", purpose: str = "revocation", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{LIST}#entry",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": LIST,
        **extra,
    }


class World:
    """An issuer, a second (untrusted) issuer, a list server and a verifier with a real checker."""

    def __init__(self, **checker_options: Any) -> None:
        self.clock = FixedClock.at(T0)
        self.issuer = Issuer(generate_key("Ed25519"), clock=self.clock)
        self.other = Issuer(generate_key("Ed25519"), clock=self.clock)
        self.server = StaticFetcher()
        self.checker = StatusChecker(self.server, **checker_options)
        self.verifier = Verifier(clock=self.clock, status_checker=self.checker)

    def list_credential(
        self,
        raw: bytes | None = None,
        *,
        encoded: str | None = None,
        purpose: str = "revocation",
        signer: Issuer | None = None,
        types: list[str] | None = None,
        valid_for: int = 86_400,
        url: str = LIST,
    ) -> str:
        """A signed BitstringStatusListCredential; ``raw`` is the uncompressed bitstring."""
        signer = signer or self.issuer
        if encoded is None:
            encoded = encode_bitstring(raw if raw is not None else bytes(MIN_ENTRIES // 8))
        now = int(self.clock.now())
        from thaivc.engine.issuer import to_xsd_datetime

        doc = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": types or ["VerifiableCredential", "BitstringStatusListCredential"],
            "validFrom": to_xsd_datetime(now),
            "validUntil": to_xsd_datetime(now + valid_for),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": encoded,
            },
        }
        token: str = signer.issue(doc)
        self.server.put(url, token)
        return token

    def verify(self, entry: dict[str, Any]) -> VerificationReport:
        return self.verifier.check(self.issuer.issue(_credential(entry)))


def assert_status(report: VerificationReport, verdict: str, code: str | None) -> None:
    status = [c for c in report.checks if c.name == "status"]
    assert status, report.checks
    assert (report.status, status[0].code) == (verdict, code), report.checks


@pytest.fixture
def world() -> World:
    return World()


# -- 49 list too short -------------------------------------------------------------------------


def test_h49_list_too_short(world: World) -> None:
    world.list_credential(bytes(MIN_ENTRIES // 8 - 1))
    report = world.verify(_entry("0"))
    assert_status(report, "failed", "status.list_too_short")
    assert report.problems[0].type is not None
    assert report.problems[0].type.endswith("STATUS_LIST_LENGTH_ERROR")


def test_h49_registry_published_short_list_is_refused(tmp_path: Path, world: World) -> None:
    registry = StatusRegistry(
        SqliteStatusStore(tmp_path / "s.db"),
        base_url="https://status.example.go.th/short",
        issuer_id=world.issuer.issuer_id,
        list_size=1024,
        min_list_size=8,
        clock=world.clock,
    )
    token = world.issuer.issue(_credential(registry.entry_for("urn:uuid:x")) | {"id": "urn:uuid:x"})
    for pub in publish_lists(registry, world.issuer, formats=["w3c"]):
        world.server.put(registry.list_url(pub.list_id), pub.body)
    assert_status(world.verifier.check(token), "failed", "status.list_too_short")


# -- 50 bad index ------------------------------------------------------------------------------


@pytest.mark.parametrize("index", ["-1", "0x10", "1e3", " 5", "1_000", "๑๒", "12abc", "", str(MIN_ENTRIES)])
def test_h50_bad_index(world: World, index: str) -> None:
    world.list_credential()
    assert_status(world.verify(_entry(index)), "failed", "status.index_invalid")


def test_h50_index_that_is_not_a_string(world: World) -> None:
    world.list_credential()
    report = world.verify(_entry(5))
    assert report.status == "failed"
    assert report.codes[0] == "status.index_invalid"


def test_h50_status_size_without_messages(world: World) -> None:
    world.list_credential(bytes(MIN_ENTRIES // 4), purpose="message")
    assert_status(world.verify(_entry("0", purpose="message", statusSize=2)), "failed", "status.malformed")


# -- 51 gzip bomb, bad encoding ----------------------------------------------------------------


def test_h51_gzip_bomb_is_capped(world: World) -> None:
    bomb = "u" + b64url_encode(gzip.compress(bytes(17 * 1024 * 1024), compresslevel=9))
    world.list_credential(encoded=bomb)
    report = world.verify(_entry("0"))
    assert_status(report, "failed", "status.too_large")
    assert report.problems[0].type is not None
    assert report.problems[0].type.endswith("STATUS_RETRIEVAL_ERROR")


@pytest.mark.parametrize(
    "encoded",
    [
        b64url_encode(gzip.compress(bytes(MIN_ENTRIES // 8))),  # no multibase 'u'
        "u" + b64url_encode(bytes(MIN_ENTRIES // 8)),  # not gzip
        "u" + b64url_encode(gzip.compress(bytes(MIN_ENTRIES // 8)) + b"trailing"),
    ],
    ids=["no-prefix", "not-gzip", "trailing-garbage"],
)
def test_h51_bad_encoding(world: World, encoded: str) -> None:
    world.list_credential(encoded=encoded)
    assert_status(world.verify(_entry("0")), "failed", "status.verification")


# -- 52 unverified list ------------------------------------------------------------------------


def test_h52_list_with_a_broken_signature(world: World) -> None:
    token = world.list_credential(bytes([0x80]) + bytes(MIN_ENTRIES // 8 - 1))
    head, payload, sig = token.split(".")
    world.server.put(LIST, f"{head}.{payload}.{sig[:-4]}AAAA")
    assert_status(world.verify(_entry("0")), "failed", "status.verification")


def test_h52_list_type_lacks_bitstring_status_list_credential(world: World) -> None:
    world.list_credential(types=["VerifiableCredential"])
    assert_status(world.verify(_entry("0")), "failed", "status.verification")


def test_h52_list_purpose_differs_from_the_entry(world: World) -> None:
    world.list_credential(purpose="suspension")
    assert_status(world.verify(_entry("0", purpose="revocation")), "failed", "status.verification")


def test_h52_unsigned_list_is_refused(world: World) -> None:
    world.server.put(LIST, '{"id": "' + LIST + '", "type": ["BitstringStatusListCredential"]}')
    assert_status(world.verify(_entry("0")), "failed", "status.verification")


# -- 53 list signed by another issuer ----------------------------------------------------------


def test_h53_list_signed_by_another_issuer(world: World) -> None:
    world.list_credential(signer=world.other)
    report = world.verify(_entry("0"))
    assert_status(report, "failed", "status.verification")
    assert "another" in report.problems[0].detail


def test_h53_other_issuer_accepted_only_when_trusted() -> None:
    world = World()
    trusting = World(trusted_status_issuers={world.issuer.issuer_id: [world.other.issuer_id]})
    trusting.issuer, trusting.other = world.issuer, world.other
    trusting.list_credential(signer=world.other)
    assert_status(trusting.verify(_entry("0")), "verified", None)


# -- 54 stale or missing list ------------------------------------------------------------------


def test_h54_list_past_valid_until_is_indeterminate(world: World) -> None:
    world.list_credential(valid_for=3600)
    world.clock.advance(3600 + 301)  # past validUntil and the leeway
    assert_status(world.verify(_entry("0")), "indeterminate", "status.unavailable")


def test_h54_missing_list_is_indeterminate(world: World) -> None:
    assert_status(world.verify(_entry("0")), "indeterminate", "status.unavailable")


def test_h54_list_older_than_policy_is_indeterminate() -> None:
    world = World(max_list_age=600)
    world.list_credential()
    world.clock.advance(601)
    assert_status(world.verify(_entry("0")), "indeterminate", "status.unavailable")


def test_h54_expired_cache_entry_is_refetched(world: World) -> None:
    world.list_credential(valid_for=86_400)
    assert_status(world.verify(_entry("0")), "verified", None)
    world.list_credential(bytes([0x80]) + bytes(MIN_ENTRIES // 8 - 1))  # now revoked
    world.clock.advance(299)
    assert_status(world.verify(_entry("0")), "verified", None)  # default ttl 300 s: still cached
    world.clock.advance(1)
    assert_status(world.verify(_entry("0")), "failed", "status.revoked")
    assert world.server.calls == 2


def test_h54_fetch_failure_is_never_valid(world: World) -> None:
    def broken(url: str) -> Any:
        raise OSError("connection reset")

    verifier = Verifier(clock=world.clock, status_checker=StatusChecker(broken))
    report = verifier.check(world.issuer.issue(_credential(_entry("0"))))
    assert_status(report, "indeterminate", "status.unavailable")


# -- 55 bit order ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "verdict", "code"),
    [("0", "failed", "status.revoked"), ("7", "verified", None), (str(MIN_ENTRIES - 1), "verified", None)],
)
def test_h55_bit_order(world: World, index: str, verdict: str, code: str | None) -> None:
    world.list_credential(bytes([0x80]) + bytes(MIN_ENTRIES // 8 - 1))
    assert_status(world.verify(_entry(index)), verdict, code)


def test_h55_last_bit_of_the_list(world: World) -> None:
    world.list_credential(bytes(MIN_ENTRIES // 8 - 1) + bytes([0x01]))
    assert_status(world.verify(_entry(str(MIN_ENTRIES - 1))), "failed", "status.revoked")
    world.checker.cache.discard(f"w3c {LIST}")
    assert_status(world.verify(_entry(str(MIN_ENTRIES - 2))), "verified", None)


# -- lists that point at lists -----------------------------------------------------------------


def test_list_credential_with_its_own_status_cannot_loop(world: World) -> None:
    """A list whose own credentialStatus names itself is not followed round: could not decide."""
    from thaivc.engine.issuer import to_xsd_datetime

    now = int(world.clock.now())
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "validFrom": to_xsd_datetime(now),
        "validUntil": to_xsd_datetime(now + 3600),
        "credentialStatus": _entry("1"),
        "credentialSubject": {
            "id": f"{LIST}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(bytes(MIN_ENTRIES // 8)),
        },
    }
    world.server.put(LIST, world.issuer.issue(doc))
    assert_status(world.verify(_entry("0")), "indeterminate", "status.unavailable")
    assert world.server.calls == 1


def test_oversized_list_over_http_is_too_large(world: World) -> None:
    import httpx

    from thaivc.net import SafeHttpClient
    from thaivc.status import safe_http_fetcher

    def resolver(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
        return [(2, 1, 6, "", ("93.184.215.14", 443))]

    body = b"x" * 2048
    client = SafeHttpClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body)), resolver=resolver)
    verifier = Verifier(clock=world.clock, status_checker=StatusChecker(safe_http_fetcher(client, max_bytes=1024)))
    assert_status(verifier.check(world.issuer.issue(_credential(_entry("0")))), "failed", "status.too_large")
