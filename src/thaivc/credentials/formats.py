"""Which securing formats the Thai credential types are issued and verified in on this build.

:data:`SUPPORTED_FORMATS` is a claim that the test suite holds us to: every format listed is
issued and verified, schema check included, for every credential type. Formats are added here when
their issuer and verifier are part of the build; :func:`format_available` is the probe for that.
"""

from __future__ import annotations

from typing import Final

from thaivc.core.errors import ThaiVCError

__all__ = ["ALL_FORMATS", "SUPPORTED_FORMATS", "format_available"]

#: Every format ``Issuer.issue`` may name.
ALL_FORMATS: Final = ("vc+jwt", "di", "dc+sd-jwt")
#: The formats that work end to end for the Thai credential types.
SUPPORTED_FORMATS: Final = ("vc+jwt", "di", "dc+sd-jwt")


def format_available(fmt: str) -> bool:
    """Try to issue a minimal credential in ``fmt`` with a throwaway key; ``False`` if unsupported."""
    from thaivc.core.clock import FixedClock
    from thaivc.engine.issuer import Issuer
    from thaivc.keys import generate_key

    key = generate_key("Ed25519")
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": key.did},
    }
    try:
        Issuer(key, clock=FixedClock.at("2026-01-01T00:00:00Z")).issue(doc, format=fmt)  # type: ignore[arg-type]
    except ThaiVCError as err:
        if err.code == "usage.unsupported_format":
            return False
        raise
    return True
