"""Authorization requests: a wallet believes a request only under the key its client_id names."""

from __future__ import annotations

import base64
import time
from dataclasses import replace

import pytest

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.oid4vp.dcql import DcqlQuery, claim, credential
from thaivc.oid4vp.jwe import decrypt_response, encrypt_response, new_response_key, public_jwk
from thaivc.oid4vp.request import (
    AuthorizationRequest,
    deep_link,
    qr_png,
    qr_svg,
    read_request_object,
    require_unsigned,
    sign_request,
)
from thaivc.testing.x509 import x509_client

HOST = "rd.go.th"
NONCE = "n" * 22
STATE = "s" * 22
QUERY = DcqlQuery.of(credential("pid", vct="ThaiCitizenCredential", claims=[claim(["credentialSubject", "name"])]))


def _request(client_id: str, **kw: object) -> AuthorizationRequest:
    base = {"response_uri": f"https://{HOST}/oid4vp/response", "nonce": NONCE, "state": STATE, "dcql_query": QUERY}
    base.update(kw)
    return AuthorizationRequest(client_id=client_id, **base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def x509c():  # type: ignore[no-untyped-def]
    return x509_client(HOST)


def test_x509_round_trip(x509c) -> None:  # type: ignore[no-untyped-def]
    req = _request(f"x509_san_dns:{HOST}")
    token = sign_request(req, x509c.signer, x5c=x509c.chain)
    back = read_request_object(token, client_id=req.client_id, x509_anchors=[x509c.anchor])
    assert back.nonce == NONCE and back.dcql_query == QUERY


def test_did_round_trip() -> None:
    key = thaivc.generate_key("P-256")
    req = _request(f"decentralized_identifier:{key.did}")
    back = read_request_object(sign_request(req, key), client_id=req.client_id)
    assert back.state == STATE


def _tamper(token: str, **changes: object) -> str:
    import json

    h, p, s = token.split(".")
    payload = json.loads(b64url_decode(p))
    payload.update(changes)
    return f"{h}.{b64url_encode(json.dumps(payload).encode())}.{s}"


def test_bad_signature(x509c) -> None:  # type: ignore[no-untyped-def]
    req = _request(f"x509_san_dns:{HOST}")
    token = _tamper(sign_request(req, x509c.signer, x5c=x509c.chain), nonce="x" * 22)
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id, x509_anchors=[x509c.anchor])
    assert err.value.code == "openid.request_signature"


def test_wrong_client_id_in_the_link(x509c) -> None:  # type: ignore[no-untyped-def]
    req = _request(f"x509_san_dns:{HOST}")
    token = sign_request(req, x509c.signer, x5c=x509c.chain)
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id="x509_san_dns:evil.example", x509_anchors=[x509c.anchor])
    assert err.value.code == "openid.client_id_mismatch"


def test_certificate_for_another_host() -> None:
    evil = x509_client("evil.example")
    req = _request(f"x509_san_dns:{HOST}")          # claims rd.go.th, signs with evil.example's certificate
    token = sign_request(req, evil.signer, x5c=evil.chain)
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id, x509_anchors=[evil.anchor])
    assert err.value.code == "openid.client_id_mismatch"


def test_untrusted_root(x509c) -> None:  # type: ignore[no-untyped-def]
    stranger = x509_client(HOST)
    req = _request(f"x509_san_dns:{HOST}")
    token = sign_request(req, stranger.signer, x5c=stranger.chain)
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id, x509_anchors=[x509c.anchor])
    assert err.value.code == "openid.client_id_mismatch"


def test_response_uri_on_another_host(x509c) -> None:  # type: ignore[no-untyped-def]
    req = _request(f"x509_san_dns:{HOST}", response_uri="https://collector.example/r")
    token = sign_request(req, x509c.signer, x5c=x509c.chain)
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id, x509_anchors=[x509c.anchor])
    assert err.value.code == "openid.client_id_mismatch"


def test_did_request_signed_by_another_did() -> None:
    victim, attacker = thaivc.generate_key("P-256"), thaivc.generate_key("P-256")
    req = _request(f"decentralized_identifier:{victim.did}")
    import json

    header = {"alg": "ES256", "typ": "oauth-authz-req+jwt", "kid": attacker.kid}
    h = b64url_encode(json.dumps(header).encode())
    p = b64url_encode(json.dumps({**req.to_claims()}).encode())
    token = f"{h}.{p}.{b64url_encode(attacker.sign(f'{h}.{p}'.encode()))}"
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id)
    assert err.value.code == "openid.client_id_mismatch"


def test_did_request_with_forged_signature() -> None:
    victim, attacker = thaivc.generate_key("P-256"), thaivc.generate_key("P-256")
    req = _request(f"decentralized_identifier:{victim.did}")
    import json

    header = {"alg": "ES256", "typ": "oauth-authz-req+jwt", "kid": victim.kid}
    h = b64url_encode(json.dumps(header).encode())
    p = b64url_encode(json.dumps(req.to_claims()).encode())
    token = f"{h}.{p}.{b64url_encode(attacker.sign(f'{h}.{p}'.encode()))}"
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id)
    assert err.value.code == "openid.request_signature"


@pytest.mark.parametrize("header", [
    {"alg": "none", "typ": "oauth-authz-req+jwt"},
    {"alg": "HS256", "typ": "oauth-authz-req+jwt"},
    {"alg": "ES256", "typ": "JWT"},
    {"alg": "ES256", "typ": "oauth-authz-req+jwt", "jwk": {"kty": "EC"}},
])
def test_hostile_headers(header: dict[str, object]) -> None:
    key = thaivc.generate_key("P-256")
    req = _request(f"decentralized_identifier:{key.did}")
    import json

    h = b64url_encode(json.dumps({**header, "kid": key.kid}).encode())
    p = b64url_encode(json.dumps(req.to_claims()).encode())
    token = f"{h}.{p}.{b64url_encode(key.sign(f'{h}.{p}'.encode()))}"
    with pytest.raises(InputError) as err:
        read_request_object(token, client_id=req.client_id)
    assert err.value.code in {"openid.request_invalid", "openid.request_signature"}


def test_expired_request_object() -> None:
    key = thaivc.generate_key("P-256")
    req = _request(f"decentralized_identifier:{key.did}", exp=int(time.time()) - 3600)
    with pytest.raises(InputError) as err:
        read_request_object(sign_request(req, key), client_id=req.client_id)
    assert err.value.code == "openid.request_invalid"


def test_oversized_request_object() -> None:
    with pytest.raises(InputError) as err:
        read_request_object("a" * 70_000 + ".b.c")
    assert err.value.code == "input.too_large"


def test_redirect_uri_client_is_unsigned_and_bound_to_its_response_uri() -> None:
    uri = f"https://{HOST}/oid4vp/response"
    req = _request(f"redirect_uri:{uri}")
    assert require_unsigned(AuthorizationRequest.from_params(req.to_params())) == req
    with pytest.raises(InputError) as err:
        require_unsigned(_request("redirect_uri:https://evil.example/cb"))
    assert err.value.code == "openid.client_id_mismatch"
    with pytest.raises(InputError):
        require_unsigned(_request(f"x509_san_dns:{HOST}"))      # a signing client's request by value: refused


def test_unknown_client_id_prefix() -> None:
    with pytest.raises(InputError) as err:
        _request("https://rd.go.th")
    assert err.value.code == "openid.client_id_mismatch"


def test_short_nonce_refused() -> None:
    with pytest.raises(InputError):
        _request(f"x509_san_dns:{HOST}", nonce="1234")


def test_deep_link_and_qr() -> None:
    link = deep_link(f"x509_san_dns:{HOST}", "https://rd.go.th/oid4vp/request/abc")
    assert link.startswith("openid4vp://?client_id=x509_san_dns%3Ard.go.th&request_uri=https%3A%2F%2F")
    assert qr_png(link).startswith(b"\x89PNG")
    assert "<svg" in qr_svg(link)


def test_response_encryption_round_trip_and_wrong_key() -> None:
    key = new_response_key()
    token = encrypt_response({"vp_token": {"pid": ["x"]}, "state": STATE}, public_jwk(key), enc="A256GCM")
    assert decrypt_response(token, key)["state"] == STATE
    with pytest.raises(InputError) as err:
        decrypt_response(token, new_response_key())
    assert err.value.code == "openid.response_decrypt"
    h, rest = token.split(".", 1)
    with pytest.raises(InputError):
        decrypt_response(h[:-2] + "xx." + rest, key)


def test_x5c_is_standard_base64(x509c) -> None:  # type: ignore[no-untyped-def]
    token = sign_request(_request(f"x509_san_dns:{HOST}"), x509c.signer, x5c=x509c.chain)
    import json

    header = json.loads(b64url_decode(token.split(".")[0]))
    base64.b64decode(header["x5c"][0], validate=True)
    _ = replace
