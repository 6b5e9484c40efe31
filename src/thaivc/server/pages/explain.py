"""Plain words for the counter: verdicts, checks and problem codes in Thai first, English beside.

The page says in one line per check what was checked and what it means for the person in front of
the officer; the stable problem code is shown small beside it, for the help desk. The texts are
data here (one table per kind) so an agency can review them without reading the page's code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = ["CHECKS", "Sentence", "Verdict", "explain_code", "verdict_for"]

Verdict = Literal["verified", "failed", "indeterminate"]


@dataclass(frozen=True, slots=True)
class Sentence:
    th: str
    en: str


#: The verdict words, large on the page.
VERDICTS: Final[dict[str, Sentence]] = {
    "verified": Sentence("ยืนยันแล้ว", "Verified"),
    "failed": Sentence("ไม่ผ่าน", "Not accepted"),
    "indeterminate": Sentence("ตรวจสอบไม่ได้", "Could not be checked"),
    "timeout": Sentence("หมดเวลา", "Timed out"),
}

#: What every accepted presentation has passed, in the order the verifier checks it.
CHECKS: Final[tuple[tuple[str, Sentence], ...]] = (
    ("signature", Sentence("ลายมือชื่อดิจิทัลของผู้ออกถูกต้อง เอกสารไม่ถูกแก้ไข",
                           "The issuer's digital signature is valid: the document was not altered")),
    ("holder", Sentence("ผู้แสดงเป็นเจ้าของเอกสาร และตอบคำขอนี้ครั้งนี้เท่านั้น (ไม่ใช่การนำมาใช้ซ้ำ)",
                        "The person presenting holds it, and answered this request only (no replay)")),
    ("time", Sentence("เอกสารยังไม่หมดอายุ", "The credential is within its validity period")),
    ("status", Sentence("ผู้ออกยังไม่ได้เพิกถอนหรือระงับเอกสาร", "The issuer has not revoked or suspended it")),
    ("trust", Sentence("ผู้ออกอยู่ในรายชื่อผู้ออกที่เชื่อถือได้", "The issuer is on the trust list")),
    ("request", Sentence("ได้รับข้อมูลครบตามที่ขอ และระดับความน่าเชื่อถือ (IAL) ถึงเกณฑ์",
                         "Everything asked for was given, at the required assurance level (IAL)")),
)

#: Problem code areas (the part before the dot) → what failed, in plain words.
_AREAS: Final[dict[str, Sentence]] = {
    "crypto": Sentence("ลายมือชื่อดิจิทัลไม่ถูกต้อง: เอกสารอาจถูกปลอมหรือแก้ไข",
                       "The digital signature does not verify: the document may be forged or altered"),
    "jose": Sentence("รูปแบบเอกสารดิจิทัลไม่ถูกต้อง", "The credential is not well formed"),
    "sdjwt": Sentence("รูปแบบเอกสารดิจิทัลไม่ถูกต้อง", "The credential is not well formed"),
    "di": Sentence("หลักฐานการลงนามไม่ถูกต้อง", "The credential's proof is not valid"),
    "json": Sentence("ข้อมูลที่ได้รับอ่านไม่ได้", "The data received cannot be read"),
    "input": Sentence("ข้อมูลที่ได้รับอ่านไม่ได้หรือใหญ่เกินไป", "The data received is unreadable or too large"),
    "key": Sentence("กุญแจที่ใช้ลงนามไม่ใช่ของผู้ออก", "The signing key is not the issuer's"),
    "did": Sentence("ระบุตัวผู้ออกไม่ได้", "The issuer's identifier cannot be resolved"),
    "vp": Sentence("การแสดงเอกสารไม่ได้ผูกกับคำขอนี้ (อาจเป็นการนำมาใช้ซ้ำ)",
                   "The presentation is not bound to this request (possibly a replay)"),
    "time": Sentence("เอกสารหมดอายุหรือยังไม่มีผล", "The credential has expired or is not yet valid"),
    "status": Sentence("ผู้ออกเพิกถอนหรือระงับเอกสารนี้แล้ว", "The issuer has revoked or suspended this credential"),
    "trust": Sentence("ผู้ออกไม่อยู่ในรายชื่อผู้ออกที่เชื่อถือได้", "The issuer is not on the trust list"),
    "dcql": Sentence("ข้อมูลที่ได้รับไม่ตรงกับที่ขอ หรือระดับความน่าเชื่อถือไม่ถึงเกณฑ์",
                     "What was given does not match the request, or the assurance level is too low"),
    "assurance": Sentence("ระดับความน่าเชื่อถือในการพิสูจน์ตัวตน (IAL) ไม่ถึงเกณฑ์",
                          "The identity assurance level (IAL) is below what this service requires"),
    "authority": Sentence("ผู้แสดงไม่มีอำนาจทำการนี้แทนนิติบุคคล",
                          "The person has no authority to do this for the juristic person"),
    "delegation": Sentence("หนังสือมอบอำนาจไม่ถูกต้องหรือไม่ครบ", "The power of attorney is invalid or incomplete"),
    "openid": Sentence("กระเป๋าเงินดิจิทัลตอบคำขอไม่ถูกต้อง", "The wallet's answer to the request is not valid"),
    "net": Sentence("ติดต่อระบบที่ต้องใช้ตรวจสอบไม่ได้", "A system needed for the check could not be reached"),
    "registry": Sentence("ติดต่อทะเบียนราษฎร์หรือทะเบียนนิติบุคคลไม่ได้", "The registry could not be reached"),
    "schema": Sentence("ข้อมูลในเอกสารไม่ตรงตามแบบที่กำหนด", "The credential's data does not follow its schema"),
    "claims": Sentence("ข้อมูลในเอกสารไม่ถูกต้อง", "The credential's claims are not valid"),
    "vc": Sentence("เอกสารไม่เป็นไปตามมาตรฐาน", "The credential does not follow the standard"),
    "model": Sentence("เอกสารไม่เป็นไปตามมาตรฐาน", "The credential does not follow the standard"),
}
_SPECIFIC: Final[dict[str, Sentence]] = {
    "status.revoked": Sentence("ผู้ออกเพิกถอนเอกสารนี้แล้ว", "The issuer has revoked this credential"),
    "status.suspended": Sentence("ผู้ออกระงับเอกสารนี้ชั่วคราว", "The issuer has suspended this credential"),
    "openid.presentation_invalid": Sentence("เอกสารที่แสดงตรวจสอบไม่ผ่าน", "The presented credential did not verify"),
    "time.expired": Sentence("เอกสารหมดอายุแล้ว", "The credential has expired"),
    "vp.credential_invalid": Sentence("เอกสารที่อยู่ในการแสดงตรวจสอบไม่ผ่าน (ดูเหตุผลถัดไป)",
                                      "A credential in the presentation did not verify (see the next reason)"),
    "delegation.quorum_not_met": Sentence("กรรมการลงนามในหนังสือมอบอำนาจไม่ครบตามข้อบังคับ",
                                          "Not enough directors signed the power of attorney"),
}
_UNKNOWN: Final = Sentence("ตรวจสอบไม่ผ่าน", "The check did not pass")
#: Codes that mean "we could not find out", never "the credential is bad".
_UNDECIDED_AREAS: Final = frozenset({"net", "registry", "internal", "service"})
_UNDECIDED_CODES: Final = frozenset({"status.not_checked", "status.unavailable", "trust.list_unavailable",
                                     "trust.list_stale", "trust.metadata_unavailable"})


def explain_code(code: str) -> Sentence:
    """The one-line explanation of a problem code (its own, else its area's)."""
    return _SPECIFIC.get(code) or _AREAS.get(code.split(".", 1)[0], _UNKNOWN)


def verdict_for(status: str, codes: list[str], decision_outcome: str | None = None) -> Verdict:
    """``verified`` only when the transaction verified; ``indeterminate`` when what failed was reaching
    a registry, a status list or the trust list (not the credential); ``failed`` otherwise."""
    if status == "verified" and decision_outcome in (None, "allowed"):
        return "verified"
    if decision_outcome == "indeterminate":
        return "indeterminate"
    causes = [c for c in codes if c != "openid.presentation_invalid"]
    if causes and all(c in _UNDECIDED_CODES or c.split(".", 1)[0] in _UNDECIDED_AREAS for c in causes):
        return "indeterminate"
    return "failed"
