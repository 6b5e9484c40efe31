"""A ready-made world for the delegation story: agencies, registries, people and their wallets.

The demo and the tests both need the same cast: DOPA issuing citizen credentials after a card
check, a face match and a liveness check (IAL 2.3), DBD issuing the company's registration
credential, and the directors of บริษัท สยามบัญชี จำกัด — who are also citizens in the fake DOPA —
plus an accountant. Everything is in memory, synthetic and driven by an injected clock.

Citizen and company credentials are issued through :mod:`thaivc.credentials` (``proof_citizen``
with the fake DOPA, ``issue_juristic`` with the fake DBD) and secured as ``vc+jwt``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from thaivc.authorize import AuthorityPolicy
from thaivc.clock import Clock, FixedClock
from thaivc.credentials import CardData, issue_juristic, proof_citizen
from thaivc.errors import InputError, ThaiVCError, UsageError
from thaivc.holder import Holder
from thaivc.issuer import Issuer
from thaivc.jose.compact import parse_compact, sign_compact, verify_compact
from thaivc.keys import PrivateKey, generate_key
from thaivc.registries.dbd import FakeDbd, JuristicPerson
from thaivc.registries.dopa import FakeDopa
from thaivc.status import FetchResult, SqliteStatusStore, StatusChecker, StatusRegistry
from thaivc.thai import ThaiName
from thaivc.verifier import Verifier

__all__ = ["DEMO_COMPANY", "Person", "RevocationList", "StatusService", "World"]

#: บริษัท สยามบัญชี จำกัด: two directors jointly with the seal (clause E1).
DEMO_COMPANY: Final = "0995562000018"
CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RevocationList:
    """An in-memory revocation seam: ``check(credential)`` raises ``status.revoked``.

    Stands in for a Bitstring Status List checker; entries are keyed by list URL and index.
    """

    LIST_URL: Final = "https://status.example.th/delegations/1"

    def __init__(self) -> None:
        self._revoked: set[tuple[str, str]] = set()
        self._next = 0

    def allocate(self) -> dict[str, Any]:
        self._next += 1
        return {"id": f"{self.LIST_URL}#{self._next}", "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation", "statusListIndex": str(self._next),
                "statusListCredential": self.LIST_URL}

    def revoke(self, entry: Mapping[str, Any]) -> None:
        self._revoked.add((str(entry["statusListCredential"]), str(entry["statusListIndex"])))

    def check(self, credential: Mapping[str, Any]) -> None:
        entry = credential.get("credentialStatus")
        if not isinstance(entry, dict):
            raise ThaiVCError("status.malformed", "the credentialStatus entry is not an object")
        key = (str(entry.get("statusListCredential")), str(entry.get("statusListIndex")))
        if key in self._revoked:
            raise ThaiVCError("status.revoked", "the credential is revoked")


class StatusService:
    """A company's revocation list run by a status service, on the Bitstring Status List stack.

    Entries are allocated and revoked in a :class:`~thaivc.status.SqliteStatusStore` under
    ``directory``; every change republishes the list, signed as ``vc+jwt`` by the service's own
    key and served from memory. The company has no key of its own, so verifiers are told which
    service may publish lists for which company (``trusted_status_issuers``).
    """

    BASE_URL: Final = "https://status.example.th/delegations"

    def __init__(self, directory: Path, *, issuer_id: str, clock: Clock) -> None:
        self.key = generate_key("Ed25519")
        self.did = self.key.kid.split("#", 1)[0]
        self.issuer_id = issuer_id
        self.clock = clock
        store = SqliteStatusStore(directory / "delegation-status.sqlite3")
        self.registry = StatusRegistry(store, base_url=self.BASE_URL, issuer_id=self.did, clock=clock)
        self._bodies: dict[str, bytes] = {}

    def allocate(self, credential_id: str) -> dict[str, Any]:
        entry = self.registry.entry_for(credential_id, "revocation")
        self._publish()
        return entry

    def revoke(self, credential_id: str) -> None:
        self.registry.revoke(credential_id)
        self._publish()

    def _publish(self) -> None:
        def sign(document: dict[str, Any]) -> str:
            return sign_compact({"alg": self.key.algorithm, "typ": "vc+jwt", "kid": self.key.kid}, document, self.key)

        for info in self.registry.lists():
            publication = self.registry.publish(info.list_id, "w3c", sign=sign)
            self._bodies[self.registry.list_url(info.list_id, "w3c")] = publication.body.encode()

    def fetch(self, url: str) -> FetchResult:
        if url not in self._bodies:
            raise LookupError(f"404 {url}")
        return FetchResult(url, 200, self._bodies[url], "application/vc+jwt")

    def verify_list(self, token: str | dict[str, Any]) -> dict[str, Any]:
        if not isinstance(token, str):
            raise InputError("status.verification", "the status list is not a vc+jwt token")
        parsed = parse_compact(token, expected_typ=frozenset({"vc+jwt"}))
        verify_compact(parsed, self.key.public_key)
        payload: dict[str, Any] = dict(parsed.payload)
        return payload

    def checker(self) -> StatusChecker:
        """A verifier-side checker that trusts this service's lists for the company's credentials."""
        return StatusChecker(self.fetch, self.verify_list, clock=self.clock,
                             trusted_status_issuers={self.issuer_id: {self.did}})


@dataclass
class Person:
    """A citizen with a wallet key and the citizen credential DOPA issued to it."""

    key_name: str
    citizen_id: str
    title_th: str
    given_th: str
    family_th: str
    key: PrivateKey
    credential: str

    @property
    def did(self) -> str:
        return self.key.kid.split("#", 1)[0]

    @property
    def name_th(self) -> str:
        return f"{self.title_th}{self.given_th} {self.family_th}"


@dataclass
class World:
    """Agencies, registries and people, all on one clock (frozen at creation; tests move it)."""

    clock: FixedClock = field(default_factory=lambda: FixedClock(time.time()))
    dopa_key: PrivateKey = field(default_factory=lambda: generate_key("Ed25519"))
    dbd_key: PrivateKey = field(default_factory=lambda: generate_key("Ed25519"))
    revocations: RevocationList = field(default_factory=RevocationList)
    dbd: FakeDbd = field(default_factory=FakeDbd)

    def __post_init__(self) -> None:
        self.dopa = FakeDopa(clock=self.clock)
        self._people: dict[str, Person] = {}

    @property
    def dopa_did(self) -> str:
        return self.dopa_key.kid.split("#", 1)[0]

    @property
    def dbd_did(self) -> str:
        return self.dbd_key.kid.split("#", 1)[0]

    def policy(self, **overrides: Any) -> AuthorityPolicy:
        """Trust this world's DOPA for identities and its DBD for company data."""
        args: dict[str, Any] = {"citizen_issuers": frozenset({self.dopa_did}),
                                "dbd_issuers": frozenset({self.dbd_did})}
        args.update(overrides)
        return AuthorityPolicy(**args)

    def verifier(self, status_checker: Any = None) -> Verifier:
        """A verifier on this world's clock; status through ``status_checker`` or the in-memory list."""
        return Verifier(clock=self.clock, status_checker=status_checker or self.revocations)

    def citizen_record(self, key_name: str) -> Mapping[str, Any]:
        for entry in self.dopa.fixture["citizens"]:
            if entry.get("key") == key_name:
                found: Mapping[str, Any] = entry
                return found
        raise KeyError(key_name)

    def person(self, key_name: str, *, issuer: PrivateKey | None = None, face: bool = True) -> Person:
        """Identity-proof a fixture citizen at DOPA and issue their ThaiCitizenCredential.

        Card check + DOPA face match + liveness gives IAL 2.3; ``face=False`` stops at the card
        check (a lower level). ``issuer`` replaces DOPA's key (an untrusted issuer); each call with
        an ``issuer`` or without the face check makes a new wallet.
        """
        if key_name in self._people and issuer is None and face:
            return self._people[key_name]
        entry = self.citizen_record(key_name)
        name = entry["name"]
        names = ThaiName(title_th=name["title_th"], given_th=name["given_th"], middle_th=name.get("middle_th"),
                         family_th=name["family_th"])
        card = CardData(entry["citizen_id"], names, entry["birth_date_be"], entry["card"]["laser_code"])
        wallet = generate_key("Ed25519")
        result = proof_citizen(
            card, dopa=self.dopa, issuer=Issuer(issuer or self.dopa_key, clock=self.clock),
            subject_did=wallet.kid.split("#", 1)[0], face=self.dopa if face else None,
            face_image_ref=f"img:{key_name}:live" if face else None, liveness=True if face else None,
        )
        if not result.ok:
            raise UsageError("usage.invalid_argument", f"{key_name} could not be identity-proofed: {result.problems}")
        person = Person(key_name, entry["citizen_id"], name["title_th"], name["given_th"], name["family_th"],
                        wallet, str(result.credential))
        if issuer is None and face:
            self._people[key_name] = person
        return person

    def company(self, juristic_id: str = DEMO_COMPANY) -> JuristicPerson:
        return self.dbd.lookup(juristic_id)

    def company_credential(self, juristic_id: str = DEMO_COMPANY, *, issuer: PrivateKey | None = None) -> str:
        """DBD's JuristicPersonCredential for the company, as ``vc+jwt`` (no subject id: a company
        has no wallet; the credential is evidence attached to a presentation)."""
        issued = issue_juristic(juristic_id, dbd=self.dbd, issuer=Issuer(issuer or self.dbd_key, clock=self.clock))
        return str(issued.credential)

    def present(self, person: Person, credentials: list[Any], *, challenge: str, domain: str) -> str:
        token: str = Holder(person.key, clock=self.clock).present(credentials, challenge=challenge, domain=domain)
        return token

    def iso(self, offset_days: float = 0) -> str:
        return _iso(self.clock.now() + offset_days * 86400)
