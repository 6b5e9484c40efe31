"""Verifying status lists with the verifier's own rules (security.md H.52–H.54).

A W3C ``BitstringStatusListCredential`` is a credential like any other: it is verified by
:meth:`thaivc.verifier.Verifier.check` (signature, issuer key binding, validity, trust), so a list
gets exactly the scrutiny the credentials it vouches for get. An IETF ``statuslist+jwt`` token is not
a VC; :func:`verify_status_list_token` checks it with the same JOSE parser, algorithm policy and
issuer key resolution as an SD-JWT VC (the issuer's DID, or its JWT VC issuer metadata).

These rules keep this closed:

* lists are verified by a copy of the verifier *without* a status checker, so a list credential that
  itself carries ``credentialStatus`` cannot send the checker round in a loop (it is
  ``status.not_checked``, hence "could not decide");
* the copy has no trust source and no proof-set policy either (those say which issuers and
  co-signers a *credential* needs): whether a list's signer may speak for a credential is decided
  by the checker, per credential (:meth:`~thaivc.status.StatusChecker.check_credential`), because
  the answer depends on whose credential it is. A list signed by the credential's own issuer needs
  nothing more (that issuer is vetted with the credential); any other signer must be trusted for the
  list's type. Vetting the list like an ordinary credential asked the trust list whether the issuer
  may issue ``BitstringStatusListCredential``, which an entry for its citizen credentials never says,
  so a trust list and a status checker together refused every credential;
* a W3C list is a *credential* secured as ``vc+jwt`` or Data Integrity, whose signature is bound to
  its ``issuer``. A presentation (bound to its holder) or an SD-JWT (bound to ``iss``) naming someone
  else as ``issuer`` is refused, so no holder can publish a list in an issuer's name;
* lists may be larger than the policy's cap on one credential (the checker caps the fetched body
  at ``max_fetch_bytes``, 8 MiB by default, before anything is parsed);
* a list that failed only because it is past ``validUntil`` (or not yet valid) is stale, not forged:
  that is ``Indeterminate`` ("could not decide"), never a verdict against the credential.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from thaivc.errors import Indeterminate, InputError, ThaiVCError
from thaivc.jose.compact import parse_compact, verify_compact
from thaivc.jose.media import STATUSLIST_JWT
from thaivc.status.fetch import DEFAULT_MAX_FETCH_BYTES

if TYPE_CHECKING:
    from thaivc.report import VerificationReport
    from thaivc.status.checker import ListVerifier
    from thaivc.verifier import Verifier

__all__ = ["list_verifier", "verify_status_list_token"]

_STATUSLIST_TYP: Final = frozenset({STATUSLIST_JWT})
_STALE: Final = frozenset({"time.expired", "time.not_yet_valid"})
#: Report formats of a secured *credential* whose signature binds the document's ``issuer``.
_LIST_FORMATS: Final = frozenset({"vc+jwt", "di"})


def _is_status_list_token(token: str) -> bool:
    """Whether a compact JWS declares ``typ: statuslist+jwt`` (read from the header only)."""
    try:
        parse_compact(token, expected_typ=_STATUSLIST_TYP, json_payload=False, max_bytes=DEFAULT_MAX_FETCH_BYTES)
    except InputError as err:
        return err.code != "jose.typ_mismatch"  # any other defect: let the token path name it
    return True


def verify_status_list_token(verifier: Verifier, token: str) -> dict[str, Any]:
    """Verify a ``statuslist+jwt`` compact JWS and return its payload.

    The key comes from ``iss`` exactly as for an SD-JWT VC: a DID issuer's ``kid`` must be one of its
    verification methods authorised for ``assertionMethod``; an HTTPS issuer needs the verifier's
    issuer-metadata key resolver. Timing (``iat``/``exp``/``ttl``) is judged by the status checker.
    """
    from thaivc.verify_sdjwt import did_issuer_key_resolver

    policy = verifier.policy
    parsed = parse_compact(
        token, expected_typ=_STATUSLIST_TYP, max_bytes=max(policy.max_bytes, DEFAULT_MAX_FETCH_BYTES)
    )
    alg = parsed.header["alg"]
    if alg not in policy.allowed_algs:
        raise InputError("jose.alg_not_allowed", f"{alg} is not allowed by policy")
    payload = parsed.payload
    key = did_issuer_key_resolver(verifier)(parsed.header, payload)
    verify_compact(parsed, key)
    return payload


def list_verifier(verifier: Verifier) -> ListVerifier:
    """A :data:`~thaivc.status.ListVerifier` that verifies lists with ``verifier``'s rules."""

    def verify(listed: str | dict[str, Any]) -> dict[str, Any]:
        plain = _list_checking_copy(verifier)
        if isinstance(listed, str) and _is_status_list_token(listed):
            return verify_status_list_token(plain, listed)
        if isinstance(listed, str) and "~" in listed:
            raise ThaiVCError("status.verification", "an SD-JWT is not a status list credential")
        report = plain.check(listed)
        if report.ok and report.document is not None:
            _refuse_non_credential(report)
            return report.document
        bad = [c for c in report.checks if c.status in ("fail", "indeterminate")]
        if bad and all(c.name == "time" and c.code in _STALE for c in bad):
            raise Indeterminate("status.unavailable", f"the status list is stale ({bad[0].code})")
        first = report.problems[0] if report.problems else None
        code = first.code if first is not None else "internal.error"
        detail = first.detail if first is not None else report.status
        if report.status == "indeterminate":
            raise Indeterminate(code, detail)
        raise ThaiVCError(code, detail)

    return verify


def _list_checking_copy(verifier: Verifier) -> Verifier:
    """``verifier`` without what is about credentials rather than lists: no status checker, no
    trust source (the checker decides who may sign a list, per credential), no proof-set policy
    (co-signers a credential needs; a list is signed by its issuer alone); and with room for a
    list-sized body."""
    plain = copy.copy(verifier)
    plain.status_checker = None
    plain.trust = None
    plain.proof_set_policy = None
    # a list is bigger than a credential; the checker has already capped the body it fetched
    if plain.policy.max_bytes < DEFAULT_MAX_FETCH_BYTES:
        plain.policy = plain.policy.model_copy(update={"max_bytes": DEFAULT_MAX_FETCH_BYTES})
    return plain


def _refuse_non_credential(report: VerificationReport) -> None:
    """A list must be a ``vc+jwt`` or Data Integrity credential: only there does the signature bind
    the ``issuer`` member the checker then holds the list to."""
    if report.format not in _LIST_FORMATS:
        raise ThaiVCError("status.verification", f"a status list is a credential, not {report.format or 'this'}")
    types = (report.document or {}).get("type")
    if types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types):
        raise ThaiVCError("status.verification", "a presentation is not a status list credential")

