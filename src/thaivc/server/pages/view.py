"""A presentation's result as the counter page shows it: who, at what level, from whom, what not.

Only what the preset asked for and the wallet disclosed reaches the page; the view names the claims
of the credential type that were *not* disclosed, so the officer knows what they did not see (and
cannot be asked to note it down). Names of issuers come from the trust list, never from the
credential (an issuer names itself however it likes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from thaivc.authority import act_label_th
from thaivc.oid4vp import PresentationResult
from thaivc.server.pages.explain import CHECKS, VERDICTS, Sentence, explain_code, verdict_for
from thaivc.server.pages.presets import IDENTITY_QUERY_ID, Preset
from thaivc.trust import TrustSource

__all__ = ["CITIZEN_CLAIMS", "Line", "VerdictView", "build_view", "timeout_view"]

#: The claims of a ``ThaiCitizenCredential`` subject, with their Thai and English labels.
CITIZEN_CLAIMS: Final[dict[str, Sentence]] = {
    "titleTh": Sentence("คำนำหน้า", "title"),
    "givenNameTh": Sentence("ชื่อ", "given name"),
    "familyNameTh": Sentence("นามสกุล", "family name"),
    "citizenId": Sentence("เลขประจำตัวประชาชน", "citizen ID number"),
    "birthDate": Sentence("วันเกิด", "date of birth"),
    "address": Sentence("ที่อยู่", "address"),
    "ial": Sentence("ระดับความน่าเชื่อถือ (IAL)", "assurance level (IAL)"),
}


@dataclass(frozen=True, slots=True)
class Line:
    """One check or problem: passed or not, its explanation, and (for a problem) its code."""

    ok: bool
    text: Sentence
    code: str | None = None


@dataclass(frozen=True)
class VerdictView:
    verdict: str
    words: Sentence
    name_th: str | None = None
    ial: str | None = None
    issuer_th: str | None = None
    issuer_en: str | None = None
    shown: tuple[tuple[Sentence, str], ...] = ()
    not_disclosed: tuple[Sentence, ...] = ()
    checks: tuple[Line, ...] = ()
    problems: tuple[Line, ...] = ()
    decision: dict[str, Any] | None = None
    act_th: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _subject(claims: Mapping[str, Any] | None) -> dict[str, Any]:
    subject = (claims or {}).get("credentialSubject")
    return dict(subject) if isinstance(subject, dict) else {}


def _issuer_names(trust: TrustSource | None, claims: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    issuer = (claims or {}).get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if trust is None or not isinstance(issuer_id, str):
        return None, None
    try:
        decision = trust.check(issuer_id, dict(claims or {}))
    except Exception:  # an issuer the list does not name has no name to show
        return None, None
    return decision.name_th, decision.name_en


def build_view(result: PresentationResult, preset: Preset, trust: TrustSource | None = None) -> VerdictView:
    """The view of one finished transaction."""
    decision = result.decision
    codes = [p.code for p in result.problems]
    verdict = verdict_for(result.status, codes, decision.get("outcome") if decision else None)
    problems = tuple(Line(False, explain_code(p.code), p.code) for p in result.problems)
    act_th = act_label_th(preset.act) if preset.act else None
    if verdict != "verified":
        return VerdictView(verdict, VERDICTS[verdict], problems=problems, decision=decision, act_th=act_th)
    checks = tuple(Line(True, text) for _name, text in CHECKS)
    if preset.kind == "act":
        return VerdictView(verdict, VERDICTS[verdict], checks=checks, decision=decision, act_th=act_th,
                           name_th=(decision or {}).get("actor_name_th"))
    claims = result.claims(IDENTITY_QUERY_ID)
    if claims is None and result.dcql:  # a service preset names its own query ids: take the first answered
        claims = next((found for qid in result.dcql.get("queries", {}) if (found := result.claims(qid))), None)
    subject = _subject(claims)
    parts = [str(subject[k]) for k in ("titleTh", "givenNameTh") if isinstance(subject.get(k), str)]
    name = "".join(parts) + (" " + subject["familyNameTh"] if isinstance(subject.get("familyNameTh"), str) else "")
    shown = tuple((label, str(subject[key])) for key, label in CITIZEN_CLAIMS.items()
                  if key in subject and key not in ("titleTh", "givenNameTh", "familyNameTh", "ial"))
    not_disclosed = tuple(label for key, label in CITIZEN_CLAIMS.items() if key not in subject)
    issuer_th, issuer_en = _issuer_names(trust, claims)
    return VerdictView(verdict, VERDICTS[verdict], name_th=name.strip() or None,
                       ial=str(subject["ial"]) if "ial" in subject else None, issuer_th=issuer_th,
                       issuer_en=issuer_en, shown=shown, not_disclosed=not_disclosed, checks=checks)


def timeout_view() -> VerdictView:
    """Nobody answered in time: nothing was received, so nothing is shown but the word."""
    return VerdictView("timeout", VERDICTS["timeout"])
