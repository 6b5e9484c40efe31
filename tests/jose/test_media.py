"""Media-type constants and the EnvelopedVerifiableCredential / Presentation wrapper."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.core.errors import ThaiVCError
from thaivc.jose import DC_SD_JWT, KB_JWT, STATUSLIST_JWT, VC_JWT, VC_SD_JWT, VP_JWT, envelope, unenvelope

TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.AQID"


def test_media_type_values() -> None:
    assert (VC_JWT, VP_JWT, KB_JWT, DC_SD_JWT, VC_SD_JWT, STATUSLIST_JWT) == (
        "vc+jwt",
        "vp+jwt",
        "kb+jwt",
        "dc+sd-jwt",
        "vc+sd-jwt",
        "statuslist+jwt",
    )


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        (VC_JWT, "EnvelopedVerifiableCredential"),
        (DC_SD_JWT, "EnvelopedVerifiableCredential"),
        (VP_JWT, "EnvelopedVerifiablePresentation"),
    ],
)
def test_round_trip(media_type: str, kind: str) -> None:
    token = TOKEN + "~WyJhIl0~" if "sd-jwt" in media_type else TOKEN
    obj = envelope(token, media_type)
    assert obj == {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/{media_type},{token}",
        "type": kind,
    }
    assert unenvelope(obj) == (media_type, token)


@pytest.mark.parametrize("media_type", [VC_SD_JWT, KB_JWT, STATUSLIST_JWT, "vc+cose", "vc", "", "VC+JWT"])
def test_envelope_refuses_other_media_types(media_type: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        envelope(TOKEN, media_type)
    assert info.value.code == "jose.typ_mismatch"


@pytest.mark.parametrize("token", ["", "a,b", "a b", "ก.ข.ค", "a\n", "a%2Eb"])
def test_envelope_refuses_non_tokens(token: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        envelope(token, VC_JWT)
    assert info.value.code == "jose.malformed"


def test_legacy_vc_sd_jwt_is_read() -> None:
    obj = {
        "@context": "https://www.w3.org/ns/credentials/v2",
        "id": f"data:application/vc+sd-jwt,{TOKEN}~",
        "type": "EnvelopedVerifiableCredential",
    }
    assert unenvelope(obj) == (VC_SD_JWT, TOKEN + "~")


def test_an_envelope_without_the_v2_context_is_refused() -> None:
    # the wrapper is itself a VCDM 2.0 object (issue 11 item 2; more in tests/conformance/test_enveloped.py)
    obj = {"@context": [], "id": f"data:application/vc+jwt,{TOKEN}", "type": "EnvelopedVerifiableCredential"}
    with pytest.raises(ThaiVCError) as info:
        unenvelope(obj)
    assert info.value.code == "vc.context_invalid"


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            {"id": f"data:application/vc+cose;base64,{TOKEN}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        (
            {"id": f"data:application/vp+jwt,{TOKEN}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        (
            {"id": f"data:application/vc+jwt,{TOKEN}", "type": "EnvelopedVerifiablePresentation"},
            "jose.typ_mismatch",
        ),
        (
            {"id": f"data:application/vc+jwt,{TOKEN}", "type": ["EnvelopedVerifiableCredential"]},
            "jose.typ_mismatch",
        ),
        ({"id": f"data:application/vc+jwt,{TOKEN}"}, "jose.typ_mismatch"),
        (
            {"id": f"data:application/kb+jwt,{TOKEN}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        (
            {"id": f"data:application/jwt,{TOKEN}", "type": "EnvelopedVerifiableCredential"},
            "jose.typ_mismatch",
        ),
        ({"id": f"data:text/plain,{TOKEN}", "type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        ({"id": "not-a-credential", "type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        ({"id": "data:application/vc+jwt", "type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        ({"id": "data:application/vc+jwt,", "type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        ({"type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        ({"id": 5, "type": "EnvelopedVerifiableCredential"}, "jose.malformed"),
        (
            {"id": "data:application/vc+jwt," + "a" * 70_000, "type": "EnvelopedVerifiableCredential"},
            "input.too_large",
        ),
        ([TOKEN], "jose.malformed"),
        (TOKEN, "jose.malformed"),
    ],
)
def test_unenvelope_refuses(obj: Any, expected: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        unenvelope(obj)
    assert info.value.code == expected
