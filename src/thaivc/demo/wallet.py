"""Part 3 of ``thaivc demo``: a credential delivered to a wallet, then presented, over the wallet protocols.

At a DOPA counter an officer checks Somying's card against the (fake) DOPA registry and makes a
pre-authorized credential offer; she scans its QR code and types the transaction code the officer
reads out, and her wallet receives an ES256 ``dc+sd-jwt`` ThaiCitizenCredential over OpenID4VCI
(DPoP-bound token, key proof). Later the Revenue Department's verifier asks through OpenID4VP, with
a DCQL query for her name and assurance level only; the wallet discloses exactly those, encrypts the
response (``direct_post.jwt``) and the verifier judges it.

Both services are the library's framework-free endpoints, reached through
:func:`thaivc.oid4vc.mock_transport`: the wallet speaks exactly the HTTP messages it would over the
network, only without sockets. The QR codes are written as PNG and SVG files into ``directory``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from thaivc.core.b64 import b64url_decode
from thaivc.core.jsonutil import loads_strict
from thaivc.credentials import CitizenPerson, citizen_credential, citizen_disclosable
from thaivc.did import did_jwk
from thaivc.engine.issuer import Issuer
from thaivc.engine.policy import Policy
from thaivc.engine.verifier import Verifier
from thaivc.keys import PrivateKey, generate_key
from thaivc.oid4vc import MemoryStateStore, mock_transport
from thaivc.oid4vci import (
    CredentialConfiguration,
    CredentialData,
    CredentialIssuerService,
    CredentialOffer,
    Display,
    IssuanceRequest,
    IssuerConfig,
)
from thaivc.oid4vp import DcqlQuery, PresentationResult, PresentationVerifier, VerifierConfig, claim, credential
from thaivc.registries.dopa import FakeDopa
from thaivc.testing.x509 import x509_client
from thaivc.thai import ThaiName, parse_be_date
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet

__all__ = ["WalletStory", "run_wallet_story"]

DOPA_HOST = "wallet.dopa.go.th"
DOPA_ISSUER = f"https://{DOPA_HOST}/vci"
RD_HOST = "rd.go.th"
RD_BASE = f"https://{RD_HOST}/oid4vp"
CONFIGURATION_ID = "thai_citizen_sd_jwt"
VCT = "ThaiCitizenCredential"
#: What the Revenue Department asks for: her Thai name and her identity assurance level, nothing else.
NAME_AND_IAL = DcqlQuery.of(
    credential(
        "citizen",
        vct=VCT,
        claims=[
            claim(["credentialSubject", "givenNameTh"]),
            claim(["credentialSubject", "familyNameTh"]),
            claim(["credentialSubject", "ial"]),
        ],
    )
)
#: Synthetic: the fake DOPA registry's "valid card, born on a leap day" citizen.
CITIZEN_ID, GIVEN, FAMILY, BIRTH_BE, LASER = "1999900001028", "สมหญิง", "รักไทย", "25430229", "ZX0001000002"


@dataclass
class WalletStory:
    """What part 3 produced, for the demo test to inspect: the files and the messages on the wire."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    credential: str = ""
    vp_token: dict[str, Any] = field(default_factory=dict)
    disclosed: list[str] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    ok: bool = False


def _say(out: TextIO, text: str = "") -> None:
    out.write(text + "\n")


def _brief(value: Any, limit: int = 110) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _disclosed_claims(presentation: str) -> list[str]:
    """The claim names an SD-JWT presentation's disclosures reveal (what actually went on the wire)."""
    names: list[str] = []
    for part in presentation.split("~")[1:]:
        if not part or part.count(".") == 2:  # the empty tail, or the KB-JWT
            continue
        disclosure = loads_strict(b64url_decode(part))
        if isinstance(disclosure, list) and len(disclosure) == 3 and isinstance(disclosure[1], str):
            names.append(disclosure[1])
    return names


def _dopa_callback(person: CitizenPerson) -> Any:
    """The agency's issuance callback: what the officer checked becomes the credential's claims."""

    def callback(request: IssuanceRequest) -> CredentialData:
        doc = citizen_credential(did_jwk(request.holder_keys[0]), person, ial="2.3")
        return CredentialData(credential=doc, disclosable=citizen_disclosable(doc))

    return callback


def run_wallet_story(out: TextIO, directory: Path) -> WalletStory:
    """Part 3: issuance to a wallet (OpenID4VCI) and presentation from it (OpenID4VP)."""
    story = WalletStory(directory)
    directory.mkdir(parents=True, exist_ok=True)
    _say(out, "thaivc demo — part 3: a credential delivered to a wallet, then presented (OpenID4VCI, OpenID4VP)\n")

    _say(out, "1. At a DOPA counter the officer checks Somying's card against the DOPA registry.")
    check = FakeDopa().check_card(CITIZEN_ID, GIVEN, FAMILY, BIRTH_BE, LASER)
    _say(out, f"   Card check: {'valid' if check.ok else 'REFUSED'} ({check.code} {check.description})")
    if not check.ok:
        return story
    person = CitizenPerson(CITIZEN_ID, ThaiName(given_th=GIVEN, family_th=FAMILY, title_th="นางสาว",
                                                given_en="Somying", family_en="Rakthai"), parse_be_date(BIRTH_BE))
    issuer = _dopa_issuer(person)

    _say(out, "\n2. The officer makes a pre-authorized credential offer with a transaction code.")
    offer = issuer.create_offer([CONFIGURATION_ID], {"citizen_id": CITIZEN_ID}, tx_code=True, by_reference=True)
    _say(out, f"   Offer link (by reference): {_brief(offer.deep_link, 100)}")
    _write_qr(story, "offer", offer.qr_png(), offer.qr_svg())
    _say(out, f"   QR code written to {directory / 'offer.png'} (and offer.svg)")
    _say(out, f"   The officer reads the code aloud (never in the QR): {offer.tx_code}")

    rd = x509_client(RD_HOST)
    rd_config = VerifierConfig(client_id=f"x509_san_dns:{RD_HOST}", base_url=RD_BASE, response_mode="direct_post.jwt")
    rd_verifier = PresentationVerifier(rd_config, Verifier(Policy(require_status_check=False)), MemoryStateStore(),
                                       signer=rd.signer, x5c=rd.chain)
    network = httpx.Client(transport=mock_transport({DOPA_HOST: issuer.handle, RD_HOST: _rd_routes(rd_verifier)}))

    _say(out, "\n3. Somying's wallet scans the QR code and talks to DOPA's issuer.")
    holder_key: PrivateKey = generate_key("P-256")
    if not _receive(out, IssuanceWallet(network, key_factory=lambda: holder_key), offer, story):
        return story

    _say(out, "\n4. At the Revenue Department's e-service she is asked to prove her name and IAL.")
    tx = rd_verifier.create(NAME_AND_IAL)
    _write_qr(story, "presentation", tx.qr_png(), tx.qr_svg())
    _say(out, f"   Request link: {_brief(tx.link, 100)}")
    _say(out, f"   QR code written to {directory / 'presentation.png'} (and presentation.svg)")
    _present(out, PresentationWallet(holder_key, http=network, x509_anchors=[rd.anchor]), tx.link, story)
    _judge(out, rd_verifier.result(tx.id), story)
    return story


def _dopa_issuer(person: CitizenPerson) -> CredentialIssuerService:
    """DOPA's credential issuer: one SD-JWT VC configuration, DPoP required, ES256 as HAIP asks."""
    config = IssuerConfig(
        DOPA_ISSUER,
        {CONFIGURATION_ID: CredentialConfiguration(
            format="dc+sd-jwt", vct=VCT,
            display=[Display("บัตรประจำตัวประชาชนดิจิทัล", "th"), Display("Digital citizen card", "en")])},
        display=[Display("กรมการปกครอง", "th"), Display("Department of Provincial Administration", "en")],
        require_dpop=True,
    )
    return CredentialIssuerService(config, issuer=Issuer(generate_key("P-256")), callback=_dopa_callback(person),
                                   store=MemoryStateStore())


def _write_qr(story: WalletStory, stem: str, png: bytes, svg: str) -> None:
    """The QR code as ``{stem}.png`` and ``{stem}.svg`` in the story's folder."""
    for name, content in ((f"{stem}.png", png), (f"{stem}.svg", svg.encode("utf-8"))):
        (story.directory / name).write_bytes(content)
        story.files.append(story.directory / name)


def _receive(out: TextIO, wallet: IssuanceWallet, offer: CredentialOffer, story: WalletStory) -> bool:
    """Step 3: the wallet redeems the offer; False when the issuer deferred (not expected here)."""
    resolved = wallet.resolve_offer(offer.deep_link)
    _say(out, f"   GET  offer  → {_brief(resolved, 100)}")
    grant = wallet.redeem_pre_authorized(resolved, tx_code=offer.tx_code)
    _say(out, f"   POST token  (pre-authorized_code + tx_code, DPoP proof) → token_type {grant.token_type}")
    issued = wallet.request_credentials(grant)
    if not isinstance(issued, list):
        _say(out, "   The issuer deferred the credential: not expected here.")
        return False
    story.credential = str(issued[0].credential)
    parts = story.credential.split("~")
    _say(out, f"   POST nonce → c_nonce; POST credential (openid4vci-proof+jwt) → an SD-JWT VC of "
              f"{len(story.credential)} characters, {len([p for p in parts[1:] if p])} disclosures")
    _say(out, "   Plaintext in it: issuer, type, validity, her wallet key (cnf) and IAL; each personal claim "
              "is a separate disclosure she can withhold.")
    return True


def _present(out: TextIO, presenter: PresentationWallet, link: str, story: WalletStory) -> None:
    """Step 4: the wallet reads the signed request and answers with only what is asked."""
    presenter.store(story.credential)
    request = presenter.read_request(link)
    _say(out, f"   GET request_uri → a signed request object from {request.client_id}; DCQL asks for "
              f"{', '.join(str(c.path[-1]) for q in request.dcql_query.credentials for c in q.claims or ())}")
    params = presenter.respond(request)
    story.vp_token = params.get("vp_token", {})
    presentation = story.vp_token["citizen"][0]
    story.disclosed = _disclosed_claims(presentation)
    _say(out, f"   Her wallet discloses only: {', '.join(story.disclosed)} (+ KB-JWT for this nonce and verifier)")
    answer = presenter.post(request, params)
    _say(out, f"   POST response (direct_post.jwt, ECDH-ES encrypted) → HTTP {answer.status_code}")


def _judge(out: TextIO, result: PresentationResult | None, story: WalletStory) -> None:
    """The verifier's verdict, and whether only her name and IAL crossed the wire."""
    story.result = result.to_json() if result is not None else {}
    claims = result.claims("citizen") if result is not None else None
    subject = claims.get("credentialSubject", {}) if claims else {}
    verdict = "VERIFIED" if result is not None and result.ok else f"FAILED ({result.code if result else 'no result'})"
    _say(out, f"   Verdict: {verdict}; the service receives {_brief(subject, 100)}")
    minimal = set(story.disclosed) == {"givenNameTh", "familyNameTh"} and "citizenId" not in subject
    story.ok = bool(result is not None and result.ok and minimal and subject.get("ial") == "2.3")
    _say(out, "\nDone: issued through a counter offer, presented with only her name and IAL on the wire."
         if story.ok else "\nSomething did not behave as expected: see above.")


def _rd_routes(verifier: PresentationVerifier) -> Any:
    """The Revenue Department's router: request objects and responses (the agency's ten-line adapter)."""
    from thaivc.oid4vc import HttpRequest, HttpResponse

    prefix = "/oid4vp"

    def handle(request: HttpRequest) -> HttpResponse:
        if request.path == prefix + "/response":
            return verifier.handle_response(request)
        if request.path.startswith(prefix + "/request/"):
            return verifier.handle_request_uri(request, request.path.rsplit("/", 1)[1])
        return HttpResponse(404)

    return handle
