"""thaivc's OpenID4VP wallet answers, verified by the PyPI ``openvc-core`` verifier.

``openvc-core`` verifies a ``vp_token`` (or decrypts a HAIP ``direct_post.jwt`` response first)
against the request's DCQL query, ``nonce`` and ``client_id``; it makes no request objects and keeps
no transactions, so the request here is the npm ``Openid4vpVerifier``'s (``test_oid4vp.their_verifier``)
and openvc-core is the verifying end: thaivc's wallet posts over loopback HTTP, openvc-core decrypts
with the verifier's ephemeral key and checks the SD-JWT VC, the KB-JWT and the DCQL match. Direction:
thaivc presents → peer verifies. The opposite direction (openvc-core as a wallet) does not exist: the
package has no holder side.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from thaivc.testing.plugin import seeded_key
from thaivc.testing.x509 import x509_client

from .matrix import OID4VP_VERIFIER, PEER_OPENVC, US_TO_THEM
from .node import require
from .test_oid4vp import HOST, thaivc_wallet, their_verifier

openvc = pytest.importorskip("openvc.openid4vp", reason="openvc-core (dev extra) is not installed")
from openvc.errors import OpenvcError  # noqa: E402
from openvc.keys import P256KeyAgreementKey  # noqa: E402


def agreement_key(jwk: dict[str, Any]) -> P256KeyAgreementKey:
    d = int.from_bytes(base64.urlsafe_b64decode(jwk["d"] + "=" * (-len(jwk["d"]) % 4)), "big")
    return P256KeyAgreementKey(ec.derive_private_key(d, ec.SECP256R1()), jwk["kid"])


def answered(enc: str = "A128GCM") -> tuple[dict[str, Any], str]:
    """A request the npm verifier made, answered by thaivc's wallet over loopback: (request, JWE)."""
    holder, rd = seeded_key("vp-holder", "P-256"), x509_client(HOST)
    with their_verifier(rd, enc) as (made, posted):
        assert thaivc_wallet(rd, holder).present(made["link"]).status_code == 200
    return made, posted[0]["response"]


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_OPENVC, US_TO_THEM)
@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_openvc_verifies_thaivc_wallet_response(enc: str) -> None:
    require("@openid4vc/openid4vp")  # the request object comes from the npm verifier
    made, jwe = answered(enc)
    request = made["request"]
    result = openvc.verify_encrypted_vp_response(
        jwe, key=agreement_key(made["encryptionKey"]), dcql_query=request["dcql_query"],
        nonce=request["nonce"], client_id=request["client_id"], require_holder_binding=True)
    (presentation,) = result.for_query("pid")
    assert presentation.format == "dc+sd-jwt"
    claims = presentation.credentials[0].credential
    subject = claims.get("credentialSubject", claims)
    assert subject["givenNameTh"] == "สมหญิง" and subject["ial"] == "2.3"
    assert "citizenId" not in subject, ascii(subject)  # the wallet disclosed only what DCQL asked for


@pytest.mark.interop
@pytest.mark.matrix(OID4VP_VERIFIER, PEER_OPENVC, US_TO_THEM)
@pytest.mark.parametrize("bind", ["client_id", "nonce"])
def test_openvc_refuses_thaivc_response_bound_elsewhere(bind: str) -> None:
    """The same response judged for another verifier or another nonce: openvc-core raises."""
    require("@openid4vc/openid4vp")
    made, jwe = answered()
    request = made["request"]
    binding = {"client_id": request["client_id"], "nonce": request["nonce"]}
    binding[bind] = "x509_san_dns:other.example.go.th" if bind == "client_id" else "another-nonce"
    with pytest.raises(OpenvcError, match=r"(?i)aud|nonce"):
        openvc.verify_encrypted_vp_response(jwe, key=agreement_key(made["encryptionKey"]),
                                            dcql_query=request["dcql_query"], require_holder_binding=True,
                                            **binding)
