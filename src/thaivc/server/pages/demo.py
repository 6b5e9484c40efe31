"""The demo counter: the delegation story's world (fake DOPA and DBD, บริษัท สยามบัญชี จำกัด) behind both pages.

Everything here is test data and the pages say so in a banner. The issuer counter signs as the
world's DOPA, so a citizen issued at the issuer page can walk to the verifier page and be verified;
the verifier trusts the world's DOPA and DBD, names them from a local trust list, and checks
revocation against the world's in-memory list (the tests revoke through it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.core.clock import FixedClock
from thaivc.core.report import Problem
from thaivc.engine.issuer import Issuer
from thaivc.keys import PrivateKey, generate_key
from thaivc.oid4vc import MemoryStateStore, StateStore
from thaivc.oid4vci import CredentialConfiguration, CredentialIssuerService, Display, IssuerConfig
from thaivc.oid4vp import JuristicActVerifier, VerifierConfig
from thaivc.server.pages.counter import AuditSink, Counter, CounterIssuance, LibraryRequests
from thaivc.server.pages.issuing import OfferTracker, citizen_callback
from thaivc.server.pages.officers import SessionSigner
from thaivc.server.pages.presets import demo_presets
from thaivc.trust import StaticTrustList

__all__ = ["CITIZEN_CONFIGURATION", "DemoCounter", "WallClock", "demo_counter"]

CITIZEN_CONFIGURATION: Final = "thai_citizen_jwt"
#: The demo world's own endpoints, apart from the service's configured ``/oid4vp`` and ``/oid4vci``.
OID4VP_PATH: Final = "/demo/oid4vp"
OID4VCI_PATH: Final = "/demo/oid4vci"


class WallClock(FixedClock):
    """The world's clock moving with the wall: a served demo cannot freeze time (requests expire)."""

    def __init__(self) -> None:
        super().__init__(time.time())
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds


@dataclass
class DemoCounter:
    counter: Counter
    world: World
    verifier_key: PrivateKey
    verifier: JuristicActVerifier


def _demo_cards(world: World) -> list[Mapping[str, Any]]:
    cards: list[Mapping[str, Any]] = []
    for key in ("somying", "somchai", "somsak", "piyanuch"):
        entry = world.citizen_record(key)
        name = entry["name"]
        cards.append({"citizen_id": entry["citizen_id"], "title_th": name["title_th"], "given_th": name["given_th"],
                      "family_th": name["family_th"], "birth_date_be": entry["birth_date_be"],
                      "laser_code": entry["card"]["laser_code"], "face_ref": f"img:{key}:live"})
    return cards


def demo_counter(public_url: str, audit: AuditSink, *, store: StateStore | None = None, request_ttl: float = 120.0,
                 world: World | None = None, secure_cookies: bool | None = None,
                 sessions: SessionSigner | None = None) -> DemoCounter:
    """Both counters on one world, their protocol endpoints under ``public_url`` + ``/oid4vp`` and ``/oid4vci``."""
    world = world or World(clock=WallClock())
    store = store or MemoryStateStore(clock=world.clock)
    trust = StaticTrustList.from_json({"issuers": [
        {"id": world.dopa_did, "name_th": "กรมการปกครอง (ทดสอบ)", "name_en": "Department of Provincial "
         "Administration (test)", "credential_types": ["ThaiCitizenCredential"]},
        {"id": world.dbd_did, "name_th": "กรมพัฒนาธุรกิจการค้า (ทดสอบ)", "name_en": "Department of Business "
         "Development (test)", "credential_types": ["JuristicPersonCredential"]},
    ]}, clock=world.clock)

    def accept(document: Mapping[str, Any]) -> Problem | None:
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        try:
            trust.check(str(issuer_id), dict(document))
        except Exception as exc:
            return Problem.of(getattr(exc, "code", "trust.untrusted_issuer"), "the issuer is not on the trust list")
        return None

    verifier_key = generate_key("Ed25519")
    config = VerifierConfig(client_id="decentralized_identifier:" + verifier_key.kid.split("#", 1)[0],
                            base_url=public_url + OID4VP_PATH, request_ttl=request_ttl)
    verifier = JuristicActVerifier(config, world.verifier(), store, policy=world.policy(), dbd=world.dbd,
                                   signer=verifier_key, accept=accept)
    tracker = OfferTracker(store)
    service = CredentialIssuerService(
        IssuerConfig(public_url + OID4VCI_PATH, {CITIZEN_CONFIGURATION: CredentialConfiguration(
            format="jwt_vc_json", types=["VerifiableCredential", "ThaiCitizenCredential"],
            display=[Display("บัตรประชาชนดิจิทัล (ทดสอบ)", "th"), Display("Digital ID card (test)", "en")],
            signing_algs=("EdDSA",))}, allow_insecure_http=public_url.startswith("http://")),
        issuer=Issuer(world.dopa_key, clock=world.clock), callback=citizen_callback, store=store,
        clock=world.clock, on_event=tracker.on_event,
    )
    counter = Counter(
        requests=LibraryRequests(verifier), presets=demo_presets(DEMO_COMPANY), store=store,
        sessions=sessions or SessionSigner.random(), audit=audit, clock=world.clock, trust=trust,
        issuance=CounterIssuance(service, CITIZEN_CONFIGURATION, world.dopa, world.dopa, tracker, min_ial="2.3"),
        demo=True, demo_cards=_demo_cards(world),
        secure_cookies=public_url.startswith("https://") if secure_cookies is None else secure_cookies,
    )
    return DemoCounter(counter, world, verifier_key, verifier)


def mount_demo_protocols(app: Any, demo: DemoCounter) -> None:
    """Mount the demo counter's OpenID4VP and OpenID4VCI endpoints on ``app`` (a FastAPI application).

    Through :func:`thaivc.server.app.mount_handler`, the seam every framework-free handler uses.
    """
    from thaivc.oid4vc import HttpRequest, HttpResponse
    from thaivc.server.app import mount_handler

    verifier = demo.verifier
    issuance = demo.counter.issuance
    assert issuance is not None
    service = issuance.service

    def request_object(http: HttpRequest) -> HttpResponse:
        return verifier.handle_request_uri(http, http.path.rsplit("/", 1)[-1])

    mount_handler(app, OID4VP_PATH + "/response", verifier.handle_response, request_type=HttpRequest)
    mount_handler(app, OID4VP_PATH + "/request/{transaction_id}", request_object, request_type=HttpRequest,
                  methods=("GET", "POST"), name="oid4vp-request")
    paths = [service.config.metadata_path, service.config.oauth_metadata_path,
             *(OID4VCI_PATH + "/" + name for name in ("token", "nonce", "credential", "deferred", "notification"))]
    for path in paths:
        mount_handler(app, path, service.handle, request_type=HttpRequest, methods=("GET", "POST"))
