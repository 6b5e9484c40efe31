"""Verifying status lists with the verifier's own rules (docs/security.md group H).

A W3C ``BitstringStatusListCredential`` is a credential like any other: it is verified by
:meth:`thaivc.engine.verifier.Verifier.check` (signature, issuer key binding, validity, trust), so a list
gets exactly the scrutiny the credentials it vouches for get. An IETF ``statuslist+jwt`` token is not
a VC; :func:`verify_status_list_token` checks it with the same JOSE parser, algorithm policy and
issuer key resolution as an SD-JWT VC (the issuer's DID, or its JWT VC issuer metadata).

These rules keep this closed:

* lists are verified on the verifier's separate list path
  (:meth:`ListCredentialVerifier.check_status_list`), which runs *without* a status checker, so a list
  credential that itself carries ``credentialStatus`` cannot send the checker round in a loop (it is
  ``status.not_checked``, hence "could not decide");
* that path has no trust source and no proof-set policy either (those say which issuers and
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

from typing import TYPE_CHECKING, Any, Final, Protocol

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.jose.compact import parse_compact, verify_compact
from thaivc.jose.media import STATUSLIST_JWT
from thaivc.status.fetch import DEFAULT_MAX_FETCH_BYTES

if TYPE_CHECKING:
    from thaivc.core.clock import Clock
    from thaivc.core.report import VerificationReport
    from thaivc.keys import PublicKey
    from thaivc.status.checker import ListVerifier

__all__ = ["ListCredentialVerifier", "list_verifier", "verify_status_list_token"]


class ListCredentialVerifier(Protocol):
    """What the status package needs from a verifier; :class:`thaivc.Verifier` satisfies it.

    The status package is a format below the engine: it is handed a verifier through this
    protocol (docs/architecture.md: a lower layer is handed what it needs) instead of importing
    the verifier, so the two never form a circle.
    """

    @property
    def clock(self) -> Clock:
        """The verifier's clock, which a checker without a clock of its own adopts."""
        ...

    def check_status_list(self, listed: str | dict[str, Any], *, max_bytes: int) -> VerificationReport:
        """Verify a W3C status list *credential* with the verifier's rules on a separate path:
        no status checker, no trust source and no proof-set policy (those are about credentials,
        not lists), and a body of up to ``max_bytes``."""
        ...

    def status_list_token_key(self, header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        """The key of a compact JWS's ``iss``, resolved and judged as for an SD-JWT VC, after the
        header's ``alg`` passed the verifier's algorithm policy (``jose.alg_not_allowed``)."""
        ...

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


def verify_status_list_token(
    verifier: ListCredentialVerifier, token: str, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES
) -> dict[str, Any]:
    """Verify a ``statuslist+jwt`` compact JWS and return its payload.

    The key comes from ``iss`` exactly as for an SD-JWT VC: a DID issuer's ``kid`` must be one of its
    verification methods authorised for ``assertionMethod``; an HTTPS issuer needs the verifier's
    issuer-metadata key resolver. Timing (``iat``/``exp``/``ttl``) is judged by the status checker.
    """
    parsed = parse_compact(token, expected_typ=_STATUSLIST_TYP, max_bytes=max_bytes)
    payload = parsed.payload
    key = verifier.status_list_token_key(parsed.header, payload)
    verify_compact(parsed, key)
    return payload


def list_verifier(verifier: ListCredentialVerifier, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES) -> ListVerifier:
    """A :data:`~thaivc.status.ListVerifier` that verifies lists with ``verifier``'s rules.

    ``max_bytes`` is the largest list body accepted (lists are bigger than credentials; the checker
    has already capped the body it fetched at its own ``max_fetch_bytes``).
    """

    def verify(listed: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(listed, str) and _is_status_list_token(listed):
            return verify_status_list_token(verifier, listed, max_bytes=max_bytes)
        if isinstance(listed, str) and "~" in listed:
            raise ThaiVCError("status.verification", "an SD-JWT is not a status list credential")
        report = verifier.check_status_list(listed, max_bytes=max_bytes)
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



def _refuse_non_credential(report: VerificationReport) -> None:
    """A list must be a ``vc+jwt`` or Data Integrity credential: only there does the signature bind
    the ``issuer`` member the checker then holds the list to."""
    if report.format not in _LIST_FORMATS:
        raise ThaiVCError("status.verification", f"a status list is a credential, not {report.format or 'this'}")
    types = (report.document or {}).get("type")
    if types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types):
        raise ThaiVCError("status.verification", "a presentation is not a status list credential")

