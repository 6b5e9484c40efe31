"""``AuthorityRule``: the parsed clause with the question it answers, ``allows``.

The members and their validation live in ``_model.RuleBody``, which the evaluator (``_decide``)
reads; this class sits above both and joins them, so no module imports the code that imports it
(the ``authority`` import-linter contract keeps the direction).
"""

from __future__ import annotations

from collections.abc import Sequence

from thaivc.authority._decide import decide
from thaivc.authority._model import Act, DirectorName, RuleBody, RuleDecision, SignerRef

__all__ = ["AuthorityRule"]


class AuthorityRule(RuleBody):
    """The parsed อำนาจกรรมการ clause. A rule that ``needs_review`` never authorises anything."""

    def allows(
        self,
        signers: Sequence[SignerRef],
        *,
        act: Act | str = "general",
        value_thb: int | None = None,
        seal: bool | None = None,
        directors: Sequence[DirectorName] | None = None,
    ) -> RuleDecision:
        """Decide whether ``signers`` may bind the company for ``act`` (see ``_decide.decide``).

        ``directors``, when given, is the registry's committee list: every signer must then match
        exactly one director, or the decision refuses with ``authority.director_unmatched``.
        """
        return decide(self, signers, act=act, value_thb=value_thb, seal=seal, directors=directors)
