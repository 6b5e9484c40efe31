"""The verifier's ``schema`` check: runs after the signature, only when ``credentialSchema`` is present.

It lives here, not in the verifier, so the verifier imports ``jsonschema`` only for credentials
that name a schema; every securing format calls the same function.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thaivc.core.errors import ThaiVCError
from thaivc.core.report import ReportBuilder

__all__ = ["record_schema"]


def record_schema(
    payload: Mapping[str, Any], b: ReportBuilder, *, require_known: bool = False, disclosed_view: bool = False
) -> None:
    """Record ``schema`` as passed, failed (``schema.invalid``) or, for a schema thaivc does not
    bundle, skipped with a warning — or indeterminate (``schema.unavailable``) when the policy
    requires every named schema to be checked (``Policy.require_known_schema``).

    ``disclosed_view`` (SD-JWT) holds withholdable required claims to "required when disclosed"."""
    if "credentialSchema" not in payload:
        return
    from thaivc.model.schema import validate_credential_schema

    try:
        validate_credential_schema(payload, disclosed_view=disclosed_view)
    except ThaiVCError as err:
        if err.code == "schema.unavailable" and not require_known:
            b.skip("schema", err.detail)
            b.warn(f"credentialSchema not checked: {err.detail}")
            return
        b.error("schema", err)
        return
    except Exception as exc:  # a schema engine fault must not pass a credential, nor crash the report
        b.undecidable("schema", "schema.unavailable", f"schema validation failed: {type(exc).__name__}")
        return
    b.ok("schema")
