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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

import thaivc
from thaivc.credentials import CitizenPerson
from thaivc.credentials.types import citizen_credential
from thaivc.keys import PrivateKey
from thaivc.oid4vc import HttpRequest, HttpResponse, MemoryStateStore
from thaivc.oid4vp import DcqlQuery, PresentationVerifier, VerifierConfig, claim, credential
from thaivc.testing.plugin import seeded_key
from thaivc.testing.x509 import X509Client, x509_client
from thaivc.thai import ThaiName

from .loopback import serve
from .matrix import OID4VP_VERIFIER, PEER_VP, US_TO_THEM
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
    return str(thaivc.Issuer(dopa).issue(citizen_credential(holder.did, person, ial="2.3"), format="dc+sd-jwt"))


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
