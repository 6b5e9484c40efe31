"""Credential Offers (OpenID4VCI 1.0 §4.1): by value or by reference, as a deep link and a QR code.

The offer is what the citizen scans at the counter. It carries the grant the wallet will redeem: a
pre-authorized code (with a transaction code the officer tells the citizen, so a photographed QR
code alone is useless) or an ``issuer_state`` for the authorization-code flow (ThaID login).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urlencode

import segno

__all__ = ["OFFER_SCHEME", "PRE_AUTHORIZED_GRANT", "CredentialOffer"]

OFFER_SCHEME: Final = "openid-credential-offer://"
PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


@dataclass(frozen=True, slots=True)
class CredentialOffer:
    """An offer made by :meth:`thaivc.oid4vci.CredentialIssuerService.create_offer`.

    ``tx_code`` is the code to tell the citizen through *another channel* (read out by the officer,
    an SMS): it is never part of the offer itself. ``offer_uri`` is set for an offer by reference.
    """

    offer_id: str
    offer: dict[str, Any]
    tx_code: str | None = None
    offer_uri: str | None = None

    @property
    def deep_link(self) -> str:
        """``openid-credential-offer://?credential_offer=…`` (by value) or ``…?credential_offer_uri=…``."""
        if self.offer_uri is not None:
            query = urlencode({"credential_offer_uri": self.offer_uri}, quote_via=quote)
        else:
            text = json.dumps(self.offer, ensure_ascii=False, separators=(",", ":"))
            query = urlencode({"credential_offer": text}, quote_via=quote)
        return f"{OFFER_SCHEME}?{query}"

    def qr_png(self, *, scale: int = 6) -> bytes:
        """The deep link as a PNG QR code (error correction M: survives a screen's glare)."""
        buffer = io.BytesIO()
        segno.make(self.deep_link, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
        return buffer.getvalue()

    def qr_svg(self, *, scale: int = 6) -> str:
        """The deep link as an SVG QR code."""
        buffer = io.BytesIO()
        segno.make(self.deep_link, error="m", micro=False).save(buffer, kind="svg", scale=scale, border=4)
        return buffer.getvalue().decode("utf-8")
