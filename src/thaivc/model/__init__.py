"""The VCDM 2.0 data model: typed models, a fast validator, date-times and JSON-LD checks.

Two ways to check the same rules:

* :func:`require_credential` / :func:`require_presentation` — plain Python over the decoded dict, a
  few microseconds per credential, for the verify hot path;
* :class:`Credential` / :class:`Presentation` — frozen pydantic models for code that wants typed
  access. Both raise :class:`~thaivc.core.errors.InputError` with the same ``vc.*``/``vp.*`` codes.

Neither ever replaces the signed bytes: signatures are always checked over what was received.
"""

from __future__ import annotations

from thaivc.model._rules import check_enveloped, require_enveloped
from thaivc.model.fast import (
    check_credential,
    check_presentation,
    check_self_asserted,
    require_credential,
    require_presentation,
    require_self_asserted,
)
from thaivc.model.jsonld import check_jsonld, require_jsonld
from thaivc.model.models import (
    Credential,
    CredentialSchema,
    CredentialStatus,
    CredentialSubject,
    EnvelopedVerifiableCredential,
    Evidence,
    Holder,
    Issuer,
    LanguageText,
    LanguageValue,
    Presentation,
    Proof,
    RefreshService,
    TermsOfUse,
)
from thaivc.model.timestamps import DEFAULT_MAX_YEAR, check_plausible_year, parse_datetime_stamp, require_plausible_year

__all__ = [
    "DEFAULT_MAX_YEAR",
    "Credential",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialSubject",
    "EnvelopedVerifiableCredential",
    "Evidence",
    "Holder",
    "Issuer",
    "LanguageText",
    "LanguageValue",
    "Presentation",
    "Proof",
    "RefreshService",
    "TermsOfUse",
    "check_credential",
    "check_enveloped",
    "check_jsonld",
    "check_plausible_year",
    "check_presentation",
    "check_self_asserted",
    "parse_datetime_stamp",
    "require_credential",
    "require_enveloped",
    "require_jsonld",
    "require_plausible_year",
    "require_presentation",
    "require_self_asserted",
]
