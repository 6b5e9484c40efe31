"""Status lists end to end: issue with status, publish, verify, revoke, republish, verify again.

Every format (``vc+jwt``, Data Integrity, SD-JWT VC) goes through ``Verifier.check`` with a real
:class:`StatusChecker` whose lists are verified by the verifier itself; lists are served from the
registry (:class:`RegistryFetcher`), so no network is involved.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from thaivc import Holder, Issuer, Policy, Verifier, new_challenge
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.keys import PrivateKey, generate_key
from thaivc.net import SafeHttpClient
from thaivc.status import (
    MemoryStatusCache,
    RegistryFetcher,
    SqliteStatusStore,
    StaticFetcher,
    StatusChecker,
    StatusRegistry,
    http_status_checker,
    publish_lists,
)

BASE = "https://status.example.go.th/lists"
T0 = "2026-03-01T00:00:00Z"
FORMATS = ["vc+jwt", "di", "dc+sd-jwt"]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "status.md"


def credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย ใจดี"},
        **extra,
    }


class Agency:
    """An issuer with a SQLite status registry and a verifier reading the registry's lists."""

    def __init__(self, tmp_path: Path, *, max_age: int | None = None, ttl: int = 300) -> None:
        self.clock = FixedClock.at(T0)
        self.key: PrivateKey = generate_key("Ed25519")
        self.issuer = Issuer(self.key, clock=self.clock)
        self.registry = StatusRegistry(
            SqliteStatusStore(tmp_path / "status.db"), base_url=BASE, issuer_id=self.issuer.issuer_id, clock=self.clock
        )
        self.fetcher = RegistryFetcher(self.registry, max_age=max_age)
        self.checker = StatusChecker(self.fetcher)
        self.verifier = Verifier(Policy(require_key_binding=False), clock=self.clock, status_checker=self.checker)
        self.ttl = ttl

    def publish(self, list_format: str = "vc+jwt") -> None:
        publish_lists(self.registry, self.issuer, list_format=list_format, ttl=self.ttl)  # type: ignore[arg-type]

    def status_codes(self, secured: Any) -> tuple[str, list[str | None]]:
        report = self.verifier.check(secured)
        return report.status, [c.code for c in report.checks if c.name == "status"]


@pytest.fixture
def agency(tmp_path: Path) -> Agency:
    return Agency(tmp_path)


def _payload(secured: Any) -> dict[str, Any]:
    if isinstance(secured, dict):
        return secured
    return dict(loads_strict(b64url_decode(secured.split("~")[0].split(".")[1])))


# -- issuance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_issue_adds_a_status_entry_before_signing(agency: Agency, fmt: str) -> None:
    secured = agency.issuer.issue(credential(), format=fmt, status=agency.registry)
    body = _payload(secured)
    assert body["id"].startswith("urn:uuid:")  # generated, because the credential had none
    allocation = agency.registry.store.lookup(agency.issuer.issuer_id, "revocation", body["id"])
    assert allocation is not None
    if fmt == "dc+sd-jwt":
        ref = body["status"]["status_list"]
        assert (ref["idx"], ref["uri"]) == (allocation.index, f"{BASE}/token/{allocation.list_id}")
        assert "credentialStatus" not in body
    else:
        entry = body["credentialStatus"]
        assert entry["statusListIndex"] == str(allocation.index)
        assert entry["statusListCredential"] == f"{BASE}/{allocation.list_id}"
        assert entry["statusPurpose"] == "revocation"


def test_issue_with_two_purposes_and_a_given_id(agency: Agency) -> None:
    token = agency.issuer.issue(
        credential(id="https://dopa.go.th/cred/42"), status=(agency.registry, "revocation,suspension")
    )
    entries = _payload(token)["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert agency.registry.store.lookup(agency.issuer.issuer_id, "suspension", "https://dopa.go.th/cred/42")


@pytest.mark.parametrize(
    ("fmt", "option"),
    [
        ("dc+sd-jwt", "both"),  # an SD-JWT VC's status claim holds one reference
        ("vc+jwt", "unknown"),
        ("vc+jwt", "other-issuer"),
    ],
)
def test_issue_refuses_bad_status_options(agency: Agency, tmp_path: Path, fmt: str, option: str) -> None:
    if option == "both":
        status: Any = (agency.registry, ["revocation", "suspension"])
    elif option == "unknown":
        status = (agency.registry, ["expiry"])
    else:
        status = StatusRegistry(SqliteStatusStore(tmp_path / "other.db"), base_url=BASE, issuer_id="did:example:x")
    with pytest.raises(UsageError):
        agency.issuer.issue(credential(), format=fmt, status=status)


def test_publish_signs_both_list_formats_with_the_issuer(agency: Agency) -> None:
    agency.issuer.issue(credential(), status=agency.registry)
    publications = publish_lists(agency.registry, agency.issuer)
    assert sorted(p.format for p in publications) == ["ietf", "w3c"]
    for pub in publications:
        header = loads_strict(b64url_decode(pub.body.split(".")[0]))
        assert header["typ"] == ("vc+jwt" if pub.format == "w3c" else "statuslist+jwt")
        assert header["kid"] == agency.key.kid


# -- the lifecycle -----------------------------------------------------------------------------


@pytest.mark.parametrize("list_format", ["vc+jwt", "di"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_issue_verify_revoke_republish(agency: Agency, fmt: str, list_format: str) -> None:
    secured = agency.issuer.issue(credential(), format=fmt, status=agency.registry)
    agency.publish(list_format)
    assert agency.status_codes(secured) == ("verified", [None])
    agency.registry.revoke(_payload(secured)["id"])
    agency.publish(list_format)
    agency.checker.cache = MemoryStatusCache()  # a verifier that clears its cache sees it at once
    assert agency.status_codes(secured) == ("failed", ["status.revoked"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_suspend_and_reinstate(agency: Agency, fmt: str) -> None:
    secured = agency.issuer.issue(credential(), format=fmt, status=(agency.registry, ["suspension"]))
    cid = _payload(secured)["id"]
    agency.registry.suspend(cid)
    agency.publish()
    assert agency.status_codes(secured) == ("failed", ["status.suspended"])
    agency.registry.reinstate(cid)
    agency.publish()
    agency.clock.advance(agency.ttl)  # the cached list has expired (ttl)
    assert agency.status_codes(secured) == ("verified", [None])


def test_revocation_is_seen_after_the_cache_max_age(tmp_path: Path) -> None:
    agency = Agency(tmp_path, max_age=60, ttl=3600)
    token = agency.issuer.issue(credential(), status=agency.registry)
    agency.publish()
    assert agency.status_codes(token) == ("verified", [None])
    agency.registry.revoke(_payload(token)["id"])
    agency.publish()
    agency.clock.advance(59)
    assert agency.status_codes(token) == ("verified", [None])  # the cached list is still fresh
    assert agency.fetcher.calls == 1
    agency.clock.advance(1)
    assert agency.status_codes(token) == ("failed", ["status.revoked"])
    assert agency.fetcher.calls == 2


def test_cached_list_is_reused_across_credentials(agency: Agency) -> None:
    tokens = [agency.issuer.issue(credential(), status=agency.registry) for _ in range(5)]
    agency.publish()
    assert all(agency.status_codes(t)[0] == "verified" for t in tokens)
    assert agency.fetcher.calls == 1


def test_revoked_credential_inside_a_presentation(agency: Agency) -> None:
    holder = generate_key("Ed25519")
    token = agency.issuer.issue(credential(credentialSubject={"id": holder.did}), status=agency.registry)
    agency.registry.revoke(_payload(token)["id"])
    agency.publish()
    challenge = new_challenge()
    vp = Holder(holder).present([token], challenge=challenge, format="vp+jwt")
    report = agency.verifier.check(vp, challenge=challenge)
    assert report.status == "failed"
    assert report.children[0].codes == ["status.revoked"]


# -- no checker, http checker ------------------------------------------------------------------


def test_no_checker_leaves_status_not_checked(agency: Agency) -> None:
    token = agency.issuer.issue(credential(), status=agency.registry)
    agency.publish()
    report = Verifier(clock=agency.clock).check(token)
    assert (report.status, report.codes) == ("indeterminate", ["status.not_checked"])


def test_http_status_checker_over_a_safe_http_client(agency: Agency) -> None:
    token = agency.issuer.issue(credential(), status=agency.registry)
    [w3c, _] = publish_lists(agency.registry, agency.issuer)
    url = agency.registry.list_url(w3c.list_id)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if str(request.url) != url:
            return httpx.Response(404)
        return httpx.Response(
            200, text=w3c.body, headers={"content-type": "application/vc+jwt", "cache-control": "max-age=30"}
        )

    def resolver(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
        return [(2, 1, 6, "", ("93.184.215.14", 443))]

    client = SafeHttpClient(transport=httpx.MockTransport(handler), resolver=resolver)
    verifier = Verifier(clock=agency.clock)
    verifier.status_checker = http_status_checker(verifier, client)
    assert verifier.check(token).status == "verified"
    agency.registry.revoke(_payload(token)["id"])
    agency.publish()
    assert verifier.check(token).status == "verified"  # cached for max-age=30 s
    assert seen == [url]


def test_http_status_checker_maps_http_errors_to_unavailable(agency: Agency) -> None:
    token = agency.issuer.issue(credential(), status=agency.registry)

    def resolver(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
        return [(2, 1, 6, "", ("93.184.215.14", 443))]

    client = SafeHttpClient(transport=httpx.MockTransport(lambda r: httpx.Response(503)), resolver=resolver)
    verifier = Verifier(clock=agency.clock)
    verifier.status_checker = http_status_checker(verifier, client)
    report = verifier.check(token)
    assert (report.status, report.codes) == ("indeterminate", ["status.unavailable"])


def test_static_fetcher_serves_published_bodies(agency: Agency) -> None:
    token = agency.issuer.issue(credential(), status=agency.registry)
    [w3c] = publish_lists(agency.registry, agency.issuer, formats=["w3c"])
    fetcher = StaticFetcher({agency.registry.list_url(w3c.list_id): w3c.body})
    verifier = Verifier(clock=agency.clock, status_checker=StatusChecker(fetcher))
    assert verifier.check(token).status == "verified"
    with pytest.raises(ThaiVCError) as err:
        fetcher("https://elsewhere.example/list")
    assert err.value.code == "status.unavailable"


# -- the documentation example runs ------------------------------------------------------------


def test_docs_example_runs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert blocks, "docs/status.md has no Python example"
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(blocks), str(DOCS), "exec"), namespace)
    assert namespace["before"] == "verified"
    assert namespace["after"] == "failed"


# -- the command line on PostgreSQL ------------------------------------------------------------


def _pg_url(dsn: str) -> str:
    """``postgresql://`` form of a ``key=value`` DSN, as the command line takes it."""
    if dsn.startswith(("postgresql://", "postgres://")):
        return dsn
    parts = dict(item.split("=", 1) for item in dsn.split())
    return f"postgresql://{parts.get('user', 'postgres')}@{parts['host']}:{parts.get('port', '5432')}/{parts['dbname']}"


@pytest.mark.postgres
def test_cli_on_postgresql(pg_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from thaivc.cli import main

    db = _pg_url(pg_dsn)
    key = str(tmp_path / "agency.jwk.json")
    cred = tmp_path / "cred.json"
    cred.write_text(
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:pg-1",'
        ' "type": ["VerifiableCredential"], "credentialSubject": {"id": "did:example:a"}}'
    )
    assert main(["key", "generate", "--out", key]) == 0
    assert main(["status", "create", "--db", db, "--key", key, "--base-url", BASE]) == 0
    assert main(["issue", str(cred), "--key", key, "--status", db, "--out", str(tmp_path / "c.jwt")]) == 0
    assert main(["status", "revoke", "urn:uuid:pg-1", "--db", db]) == 0
    capsys.readouterr()
    assert main(["status", "show", "urn:uuid:pg-1", "--db", db, "--json"]) == 0
    assert '"REVOKED"' in capsys.readouterr().out
    out = tmp_path / "public"
    assert main(["status", "publish", "--db", db, "--key", key, "--out", str(out)]) == 0
    served = StaticFetcher(
        {f"{BASE}/{p.relative_to(out).as_posix()}": p.read_text().strip() for p in out.rglob("*") if p.is_file()}
    )
    report = Verifier(status_checker=StatusChecker(served)).check((tmp_path / "c.jwt").read_text().strip())
    assert (report.status, report.codes) == ("failed", ["status.revoked"])


# -- IETF token lists through the verifier (H.52–H.54 for statuslist+jwt) -----------------------


def _sd_jwt_world(agency: Agency) -> tuple[str, str, StaticFetcher, Verifier]:
    token = agency.issuer.issue(credential(), format="dc+sd-jwt", status=agency.registry)
    uri = _payload(token)["status"]["status_list"]["uri"]
    server = StaticFetcher()
    verifier = Verifier(Policy(require_key_binding=False), clock=agency.clock, status_checker=StatusChecker(server))
    return token, uri, server, verifier


def _status_check(report: Any) -> tuple[str, str | None]:
    [check] = [c for c in report.checks if c.name == "status"]
    return report.status, check.code


def test_token_list_signed_by_another_issuer(agency: Agency) -> None:
    from thaivc.status import status_list_token_signer

    token, uri, server, verifier = _sd_jwt_world(agency)
    other = Issuer(generate_key("Ed25519"), clock=agency.clock)
    [pub] = publish_lists(agency.registry, agency.issuer, formats=["ietf"])
    payload = _payload(pub.body)
    server.put(uri, status_list_token_signer(other.key)(payload))  # iss says the agency, the key is not its
    assert _status_check(verifier.check(token)) == ("failed", "status.verification")
    verifier.status_checker.cache = MemoryStatusCache()  # type: ignore[union-attr]
    server.put(uri, status_list_token_signer(other.key)(payload | {"iss": other.issuer_id}))  # honest, but not ours
    assert _status_check(verifier.check(token)) == ("failed", "status.verification")


def test_token_list_must_be_a_statuslist_jwt(agency: Agency) -> None:
    token, uri, server, verifier = _sd_jwt_world(agency)
    [w3c] = publish_lists(agency.registry, agency.issuer, formats=["w3c"])
    server.put(uri, w3c.body)  # a W3C list credential where the token belongs
    assert _status_check(verifier.check(token)) == ("failed", "status.verification")


def test_stale_token_list_is_indeterminate(agency: Agency) -> None:
    token, uri, server, verifier = _sd_jwt_world(agency)
    [pub] = publish_lists(agency.registry, agency.issuer, formats=["ietf"], valid_for=600)
    server.put(uri, pub.body)
    assert _status_check(verifier.check(token)) == ("verified", None)
    agency.clock.advance(600 + 301)
    assert _status_check(verifier.check(token)) == ("indeterminate", "status.unavailable")


def test_a_list_larger_than_one_credential_is_read(tmp_path: Path) -> None:
    """A 1,048,576-entry list with many revocations is well over the 64 KiB cap on one credential."""
    agency = Agency(tmp_path)
    agency.registry = StatusRegistry(
        agency.registry.store, base_url=BASE, issuer_id=agency.issuer.issuer_id, clock=agency.clock, list_size=1 << 20
    )
    agency.fetcher.registry = agency.registry
    token = agency.issuer.issue(credential(), status=agency.registry)
    [allocation] = [agency.registry.allocate(_payload(token)["id"])]
    noise = [f"urn:uuid:n{i}" for i in range(40_000)]
    agency.registry.allocate_many(noise)
    agency.registry.revoke_many(noise)
    [pub] = publish_lists(agency.registry, agency.issuer, formats=["w3c"], list_ids=[allocation.list_id])
    assert len(pub.body) > 65536
    assert agency.status_codes(token) == ("verified", [None])
    agency.registry.revoke(_payload(token)["id"])
    publish_lists(agency.registry, agency.issuer, formats=["w3c"], list_ids=[allocation.list_id])
    agency.checker.cache = MemoryStatusCache()
    assert agency.status_codes(token) == ("failed", ["status.revoked"])


def test_unbound_checker_never_reads_a_bit(agency: Agency) -> None:
    """A checker attached after construction without a list verifier fails closed, and says how to fix it."""
    token = agency.issuer.issue(credential(), status=agency.registry)
    agency.publish()
    verifier = Verifier(clock=agency.clock)
    verifier.status_checker = StatusChecker(agency.fetcher)
    report = verifier.check(token)
    assert (report.status, report.codes) == ("indeterminate", ["status.unavailable"])
    assert "Verifier(status_checker=" in report.problems[0].detail
