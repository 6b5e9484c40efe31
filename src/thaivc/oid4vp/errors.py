"""thaivc problem codes → the OAuth/OpenID4VP error a response carries (RFC 6749 §5.2, OpenID4VP §8.5).

The HTTP answer names the spec's error (what another implementation branches on); the body's
``thaivc_code`` keeps the precise reason for logs and tests.
"""

from __future__ import annotations

from typing import Final

__all__ = ["oauth_error_for"]

_ERRORS: Final[dict[str, tuple[int, str]]] = {
    "openid.request_invalid": (400, "invalid_request_object"),
    "openid.request_signature": (400, "invalid_request_object"),
    "openid.client_id_mismatch": (400, "invalid_client"),
    "openid.transaction_unknown": (400, "invalid_request"),
    "openid.transaction_finished": (400, "invalid_request"),
    "openid.response_invalid": (400, "invalid_request"),
    "openid.response_decrypt": (400, "invalid_request"),
    "openid.response_code_invalid": (400, "invalid_request"),
    "input.too_large": (413, "invalid_request"),
    "openid.dcql_invalid": (400, "invalid_request"),
    "usage.unsupported_format": (400, "vp_formats_not_supported"),
}


def oauth_error_for(code: str) -> tuple[int, str]:
    """``(HTTP status, OAuth error)`` for a thaivc code; anything else is a malformed request."""
    return _ERRORS.get(code, (400, "invalid_request"))
