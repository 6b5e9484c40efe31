"""``options.mandatoryPointers`` of ``/credentials/issue``: the JSON Pointers an ``ecdsa-sd-2023`` issuer
makes mandatory (vc-di-ecdsa §3.4, the VC-API issue options the W3C suite sends).

Why a module of its own: the pointers come from the network, so they are judged here before any
library call, with bounds the service chooses (a credential has tens of claims, so a pointer list
longer than that is an attack on the selection's cost, not a request). The option is refused for every
other suite and format: silently ignoring it would issue a credential whose holder can withhold what
the caller meant to be always shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from thaivc.core.errors import ThaiVCError
from thaivc.di.sd.pointers import require_pointers
from thaivc.server.problems import ServiceError

__all__ = [
    "MAX_MANDATORY_POINTERS",
    "MAX_POINTER_CHARS",
    "SD_SUITE",
    "bounded_pointers",
    "mandatory_pointers_option",
    "sd_issue_options",
]

SD_SUITE: Final = "ecdsa-sd-2023"
#: Pointers one request may name: far above what a credential needs, far below a cost problem.
MAX_MANDATORY_POINTERS: Final = 64
#: Characters of one pointer: a path a few levels deep into a credential fits many times over.
MAX_POINTER_CHARS: Final = 256


def bounded_pointers(value: object, name: str) -> list[str]:
    """``value`` as a list of well-formed RFC 6901 pointers within the bounds, or a refusal with its code.

    Sizes are judged before syntax so an oversized list costs nothing to refuse (``input.too_large``);
    a value that is not a list of pointers is ``di.sd_pointer``, the code the library uses for them.
    """
    if not isinstance(value, list):
        raise ServiceError("di.sd_pointer", f"{name} is a list of JSON pointers (RFC 6901)")
    if len(value) > MAX_MANDATORY_POINTERS:
        raise ServiceError("input.too_large", f"{name}: more than {MAX_MANDATORY_POINTERS} pointers")
    if any(isinstance(p, str) and len(p) > MAX_POINTER_CHARS for p in value):
        raise ServiceError("input.too_large", f"{name}: a pointer longer than {MAX_POINTER_CHARS} characters")
    try:
        return require_pointers(value)
    except ThaiVCError as err:
        raise ServiceError.from_error(err) from None


def mandatory_pointers_option(options: Mapping[str, Any], *, fmt: str, cryptosuite: object) -> list[str] | None:
    """The caller's mandatory pointers (``None`` when not given); only ``di`` with ``ecdsa-sd-2023`` takes them.

    Whether each pointer selects something in the credential is the library issuer's judgement
    (``di.sd_pointer``), made on the document actually signed.
    """
    if "mandatoryPointers" not in options:
        return None
    if fmt != "di" or cryptosuite != SD_SUITE:
        raise ServiceError(
            "service.option_not_applicable", f"mandatoryPointers applies to format di with cryptosuite {SD_SUITE} only"
        )
    return bounded_pointers(options["mandatoryPointers"], "mandatoryPointers")


def sd_issue_options(options: Mapping[str, Any], *, fmt: str, cryptosuite: object) -> dict[str, Any]:
    """Keyword arguments for :meth:`thaivc.Issuer.issue` from the request's selective-disclosure options."""
    pointers = mandatory_pointers_option(options, fmt=fmt, cryptosuite=cryptosuite)
    return {} if pointers is None else {"mandatory_pointers": pointers}
