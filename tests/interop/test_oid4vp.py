"""OpenID4VP 1.0 against ``@openid4vc/openid4vp`` (npm), over loopback HTTP.

thaivc's verifier (:class:`~thaivc.oid4vp.PresentationVerifier`, ``x509_san_dns:`` client, signed
request object by ``request_uri``, DCQL, ``direct_post.jwt``) is served on ``127.0.0.1``; the npm
package's wallet side (``Openid4vpClient``, driven by ``interop/oid4vp_wallet.mjs``) parses the
``openid4vp://`` link, fetches the request object and checks its signature and certificate chain,
encrypts the response to the verifier's ephemeral key (ECDH-ES, A128GCM/A256GCM) and posts it. The
SD-JWT presentation inside is made by ``@sd-jwt/sd-jwt-vc`` (the openid4vp package leaves building
presentations to its user). The hostile cases: a KB-JWT for another verifier or another nonce, an
extra credential nobody asked for, and a replay of the whole response.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import Encoding

import thaivc
from thaivc.credentials import CitizenPerson
from thaivc.credentials.types import citizen_credential, citizen_disclosable
from thaivc.keys import PrivateKey
from thaivc.oid4vc import HttpRequest, HttpResponse, MemoryStateStore
from thaivc.oid4vp import DcqlQuery, PresentationVerifier, VerifierConfig, claim, credential
from thaivc.testing.plugin import seeded_key
from thaivc.testing.x509 import X509Client, x509_client
from thaivc.thai import ThaiName
from thaivc.wallet.present import PresentationWallet

from .loopback import serve
from .matrix import OID4VP_VERIFIER, PEER_VP, THEY_TO_US, US_TO_THEM
from .node import require, run

HOST = "127.0.0.1"
QUERY = DcqlQuery.of(
    credential("pid", vct="ThaiCitizenCredential", claims=[
        claim(["credentialSubject", "givenNameTh"]),
        claim(["credentialSubject", "familyNameTh"]),
        claim(["credentialSubject", "ial"], values=["2.3", "3"]),
    ]),
)
#: what the wallet's user agrees to show: exactly the claims asked for
DISCLOSE = {"credentialSubject": {"givenNameTh": True, "familyNameTh": True, "ial": True}}


def citizen_sd_jwt(holder: PrivateKey) -> str:
    person = CitizenPerson("1101700230708", ThaiName(given_th="สมหญิง", family_th="ใจดี"), "1990-05-01")
    dopa = seeded_key("vp-dopa", "P-256")
    doc = citizen_credential(holder.did, person, ial="2.3")
    # the personal claims selectively disclosable, so a wallet can show only what DCQL asks for
    return str(thaivc.Issuer(dopa).issue(doc, format="dc+sd-jwt", disclosable=citizen_disclosable(doc)))


def router(verifier: PresentationVerifier) -> Any:
    prefix = verifier.config.base_url

    def route(request: HttpRequest) -> HttpResponse:
        url = request.url
        if url == prefix + "/response":
            return verifier.handle_response(request)
        if url.startswith(prefix + "/request/"):
            return verifier.handle_request_uri(request, url.rsplit("/", 1)[1])
        return HttpResponse(404)

    return route


@contextmanager
def rd_verifier(enc: str = "A128GCM") -> Iterator[tuple[PresentationVerifier, X509Client]]:
    rd = x509_client(HOST)
    with serve() as (base, box, _log):
        verifier = PresentationVerifier(
            VerifierConfig(client_id=f"x509_san_dns:{HOST}", base_url=f"{base}/oid4vp", enc=enc),
            thaivc.Verifier(thaivc.Policy(require_status_check=False)),
            MemoryStateStore(), signer=rd.signer, x5c=rd.chain,
        )
        box.handler = router(verifier)
        yield verifier, rd


def their_wallet(link: str, rd: X509Client, holder: PrivateKey, sd_jwt: str, **extra: Any) -> dict[str, Any]:
    return run("oid4vp_wallet.mjs", {
        "link": link, "anchorPem": rd.anchor.public_bytes(Encoding.PEM).decode(), "credential": sd_jwt,
        "holder": holder.private_jwk(), "disclose": DISCLOSE, **extra}, refusals=True)


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_VP, US_TO_THEM)
@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_their_wallet_answers_thaivc_verifier(enc: str) -> None:
    require("@openid4vc/openid4vp")
    holder = seeded_key("vp-holder", "P-256")
    with rd_verifier(enc) as (verifier, rd):
        tx = verifier.create(QUERY)
        out = their_wallet(tx.link, rd, holder, citizen_sd_jwt(holder))
        assert "error" not in out, out
        # the peer checked the signed request object and read it as thaivc meant it
        assert out["request"]["client_id"] == f"x509_san_dns:{HOST}"
        assert out["request"]["response_mode"] == "direct_post.jwt"
        assert out["request"]["dcql_query"] == QUERY.to_json()
        assert out["jarm"] is not None and out["jarm"].count(".") == 4  # a compact JWE
        assert out["status"] == 200, out
        result = verifier.result(tx.id)
    assert result is not None and result.ok, None if result is None else result.problems
    subject = result.claims("pid")["credentialSubject"]
    assert subject["givenNameTh"] == "สมหญิง" and subject["ial"] == "2.3"
    assert "citizenId" not in subject


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_VP, US_TO_THEM)
@pytest.mark.parametrize(
    ("hostile", "code"),
    [
        ({"aud": "x509_san_dns:other.example.go.th"}, "openid.presentation_invalid"),  # KB-JWT for another verifier
        ({"nonce": "an-old-nonce"}, "openid.presentation_invalid"),
        ({"extra": {"unasked": ["x"]}}, "openid.credential_unrequested"),
    ],
    ids=["kb-for-another-verifier", "kb-wrong-nonce", "extra-credential"],
)
def test_their_wallet_hostile_answers_refused(hostile: dict[str, Any], code: str) -> None:
    require("@openid4vc/openid4vp")
    holder = seeded_key("vp-holder", "P-256")
    with rd_verifier() as (verifier, rd):
        tx = verifier.create(QUERY)
        out = their_wallet(tx.link, rd, holder, citizen_sd_jwt(holder), **hostile)
        # the wallet's post is taken (HTTP 200: the transaction ends here), the verdict is the verifier's
        assert out.get("status") == 200, out
        result = verifier.result(tx.id)
    assert result is not None and not result.ok
    assert code in [p.code for p in result.problems], result.problems


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_VP, US_TO_THEM)
def test_replayed_response_from_their_wallet_refused() -> None:
    """The peer's encrypted response, posted a second time byte for byte, finds the transaction taken."""
    require("@openid4vc/openid4vp")
    holder = seeded_key("vp-holder", "P-256")
    with rd_verifier() as (verifier, rd):
        tx = verifier.create(QUERY)
        out = their_wallet(tx.link, rd, holder, citizen_sd_jwt(holder), submit=False)
        assert "error" not in out, out
        form = {"response": out["jarm"]}
        post = HttpRequest("POST", "/oid4vp/response", {"Content-Type": "application/x-www-form-urlencoded"},
                           "&".join(f"{k}={v}" for k, v in form.items()).encode(),
                           url=verifier.config.base_url + "/response")
        first, second = verifier.handle_response(post), verifier.handle_response(post)
    assert first.status == 200, first.body
    assert second.status == 400 and b"openid.transaction_finished" in second.body


# -- their verifier ↔ thaivc's wallet --------------------------------------------------------------


@contextmanager
def their_verifier(rd: X509Client, enc: str = "A128GCM") -> Iterator[tuple[dict[str, Any], list[dict[str, str]]]]:
    """A loopback verifier whose request object the npm Openid4vpVerifier made and signed: it serves the
    request at its ``request_uri`` and records the form the wallet posts to ``response_uri``."""
    posted: list[dict[str, str]] = []
    with serve() as (base, box, _log):
        made = run("oid4vp_verifier.mjs", {
            "op": "create", "host": HOST, "requestUri": f"{base}/request/1", "responseUri": f"{base}/response",
            "x5c": [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in rd.chain],
            "signer": rd.signer.private_jwk(), "dcql": QUERY.to_json(), "enc": enc})

        def route(request: HttpRequest) -> HttpResponse:
            if request.method == "GET" and request.path == "/request/1":
                return HttpResponse(200, {"Content-Type": "application/oauth-authz-req+jwt"},
                                    made["requestJwt"].encode())
            if request.method == "POST" and request.path == "/response":
                posted.append(request.form())
                return HttpResponse.json_body(200, {})
            return HttpResponse(404)

        box.handler = route
        yield made, posted


def thaivc_wallet(rd: X509Client, holder: PrivateKey) -> PresentationWallet:
    wallet = PresentationWallet(holder, http=httpx.Client(timeout=10), x509_anchors=[rd.anchor],
                                allow_insecure_loopback=True)
    wallet.store(citizen_sd_jwt(holder))
    return wallet


def dopa_public_jwk() -> dict[str, Any]:
    return dict(seeded_key("vp-dopa", "P-256").public_jwk)


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_VP, THEY_TO_US)
@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_thaivc_wallet_answers_their_verifier(enc: str) -> None:
    require("@openid4vc/openid4vp")
    holder, rd = seeded_key("vp-holder", "P-256"), x509_client(HOST)
    with their_verifier(rd, enc) as (made, posted):
        answer = thaivc_wallet(rd, holder).present(made["link"])
    assert answer.status_code == 200
    assert len(posted) == 1 and set(posted[0]) == {"response"}  # direct_post.jwt: one encrypted parameter
    checked = run("oid4vp_verifier.mjs", {"op": "verify", "request": made["request"], "form": posted[0],
                                          "encryptionKey": made["encryptionKey"], "issuer": dopa_public_jwk(),
                                          "now": int(time.time())}, refusals=True)
    assert checked["verified"] is True, checked
    assert checked["queryIds"] == ["pid"] and checked["state"] == made["request"]["state"]
    assert checked["kb"]["aud"] == f"x509_san_dns:{HOST}" and checked["kb"]["nonce"] == made["request"]["nonce"]
    subject = checked["claims"]["credentialSubject"]
    assert subject["givenNameTh"] == "สมหญิง" and "citizenId" not in subject, ascii(subject)  # only what DCQL asked


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_VP, THEY_TO_US)
def test_their_verifier_refuses_thaivc_answer_to_another_request() -> None:
    """thaivc's response to one request, fed to the peer's verifier as the answer to another: the
    peer refuses it (another encryption key, another nonce)."""
    require("@openid4vc/openid4vp")
    holder, rd = seeded_key("vp-holder", "P-256"), x509_client(HOST)
    wallet = thaivc_wallet(rd, holder)
    with their_verifier(rd) as (first, posted_first):
        wallet.present(first["link"])
    with their_verifier(rd) as (second, _posted):
        pass
    crossed = run("oid4vp_verifier.mjs", {"op": "verify", "request": second["request"], "form": posted_first[0],
                                          "encryptionKey": second["encryptionKey"], "issuer": dopa_public_jwk(),
                                          "now": int(time.time())}, refusals=True)
    assert crossed["verified"] is False, crossed
    # decrypted with the right key but judged against the other request: the nonce no longer matches
    replayed = run("oid4vp_verifier.mjs", {"op": "verify", "request": {**first["request"], "nonce": second["request"]["nonce"]},
                                           "form": posted_first[0], "encryptionKey": first["encryptionKey"],
                                           "issuer": dopa_public_jwk(), "now": int(time.time())}, refusals=True)
    assert replayed["verified"] is False, replayed
