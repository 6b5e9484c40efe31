"""The juristic authorization service: may this person act for this company, for this act, now?

It composes the generic engine (a :class:`thaivc.Verifier`) with Thai law — identity assurance,
the company's signing clause (:mod:`thaivc.authority`) and powers of attorney
(:mod:`thaivc.delegation`) — so it sits above all of them; nothing below imports it.
"""

from thaivc.authorization.authorizer import AuthorityDecision, AuthorityPolicy, Authorizer, authorize

__all__ = ["AuthorityDecision", "AuthorityPolicy", "Authorizer", "authorize"]
