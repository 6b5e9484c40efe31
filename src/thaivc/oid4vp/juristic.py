"""Juristic acts over OpenID4VP: "may this person act for company X?" asked of a wallet.

The request asks for one thing — presentations (``jwt_vc_json``, as many as the case needs) whose
holder carries a ``ThaiCitizenCredential`` — and the wallet attaches what a paper power of attorney
carries: the company's ``JuristicPersonCredential``, the delegation, and the signing directors'
citizen credentials (or, when directors act directly, one presentation per director). The
response is not judged by DCQL alone: every presentation goes to :meth:`thaivc.Verifier.authorize`,
bound to the request's nonce (challenge) and client_id (domain), and the transaction's result
carries the :class:`~thaivc.authorization.authorizer.AuthorityDecision` (as its JSON form, ``result.decision``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Unpack

from thaivc.core.report import Problem, VerificationReport
from thaivc.oid4vc import StateStore
from thaivc.oid4vp.dcql import DcqlQuery, credential
from thaivc.oid4vp.request import AuthorizationRequest
from thaivc.oid4vp.verifier import PresentationOptions, PresentationVerifier, Transaction, VerifierConfig

if TYPE_CHECKING:
    from thaivc import Verifier
    from thaivc.authorization.authorizer import AuthorityPolicy
    from thaivc.registries.dbd import DbdRegistry

__all__ = ["ACT_QUERY_ID", "JuristicActVerifier", "act_query"]

ACT_QUERY_ID: Final = "act"


def act_query() -> DcqlQuery:
    """The DCQL query of a juristic act: presentations of the actor's (or each director's) citizen credential.

    ``multiple`` because directors acting directly each present; the attachments ride inside.
    """
    return DcqlQuery.of(credential(ACT_QUERY_ID, format="jwt_vc_json", types=["ThaiCitizenCredential"],
                                   multiple=True))


class JuristicActVerifier(PresentationVerifier):
    """A :class:`PresentationVerifier` whose act transactions end in an authority decision."""

    def __init__(
        self,
        config: VerifierConfig,
        verifier: Verifier,
        store: StateStore,
        *,
        policy: AuthorityPolicy,
        dbd: DbdRegistry | None = None,
        **options: Unpack[PresentationOptions],
    ) -> None:
        super().__init__(config, verifier, store, **options)
        self.policy = policy
        self.dbd = dbd

    def create_act(self, act: str, on_behalf_of: str, *, value_thb: int | None = None, seal: bool | None = None,
                   same_device: bool = False) -> Transaction:
        """A request for the presentations that let someone do ``act`` for juristic person ``on_behalf_of``."""
        extra = {"act": act, "on_behalf_of": on_behalf_of, "value_thb": value_thb, "seal": seal}
        return self.create(act_query(), same_device=same_device, extra=extra)

    def _verify(self, request: AuthorizationRequest, vp_token: Mapping[str, list[Any]]
                ) -> tuple[dict[str, list[Any]], list[VerificationReport]]:
        # an act's presentations are judged by authorize (below), which verifies each exactly once
        if request.dcql_query == act_query():
            return {}, []
        return super()._verify(request, vp_token)

    def _evaluate_dcql(self, request: AuthorizationRequest) -> bool:
        return request.dcql_query != act_query()

    def _after(self, request: AuthorizationRequest, vp_token: Mapping[str, list[Any]],
               reports: Sequence[VerificationReport], extra: dict[str, Any]) -> Problem | None:
        if "act" not in extra:
            return None
        presentations = vp_token.get(ACT_QUERY_ID, [])
        decision = self.verifier.authorize(
            presentations if len(presentations) != 1 else presentations[0],
            act=extra["act"], on_behalf_of=extra["on_behalf_of"], challenge=request.nonce,
            domain=request.client_id, policy=self.policy, value_thb=extra.get("value_thb"), dbd=self.dbd,
            seal=extra.get("seal"),
        )
        extra["decision"] = decision.to_json()
        if decision.allowed:
            return None
        return decision.problems[0] if decision.problems else Problem.of("authority.not_satisfied")
