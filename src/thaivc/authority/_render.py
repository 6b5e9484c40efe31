"""``render_tree``: a rule as an indented tree a registrar can check against the clause."""

from __future__ import annotations

from thaivc.authority._describe import (
    describe_branch_en,
    describe_branch_th,
    describe_scope_en,
    describe_slot_en,
    describe_slot_th,
)
from thaivc.authority._model import RuleBody

__all__ = ["render_tree"]

_MODE = {"always": ("ทุกกรณี", "always"), "only": ("เฉพาะ", "only for"), "except": ("เว้นแต่", "except for")}
_SEAL = {"required": ("ต้องประทับตราสำคัญ", "seal required"),
         "not_required": ("ไม่ต้องประทับตราสำคัญ", "no seal needed"),
         "unspecified": ("ไม่ได้ระบุเรื่องตราสำคัญ", "seal not stated")}


def render_tree(rule: RuleBody) -> str:
    """Thai and English, one branch per node and one slot per leaf."""
    lines = ["อำนาจลงนาม / Signing authority"]
    if rule.needs_review:
        lines.append(f"└─ ต้องตรวจสอบโดยเจ้าหน้าที่ / needs human review: {rule.review_reason}")
        return "\n".join(lines)
    lines.append("   (ทางเลือกใดทางเลือกหนึ่ง / any one of the alternatives)")
    for i, b in enumerate(rule.branches):
        last = i == len(rule.branches) - 1
        head, pad = ("└─", "   ") if last else ("├─", "│  ")
        mode_th, mode_en = _MODE[b.mode]
        where_th = mode_th if b.scope is None else f"{mode_th}{b.scope.text_th}"
        where_en = mode_en if b.scope is None else f"{mode_en} {describe_scope_en(b.scope)}"
        seal_th, seal_en = _SEAL[b.seal]
        lines.append(f"{head} [{i + 1}] {where_th} · ผู้ลงนาม {b.total} คน · {seal_th}")
        lines.append(f"{pad}    {where_en} · {b.total} signer(s) · {seal_en}")
        lines.append(f"{pad}    {describe_branch_th(b)}")
        lines.append(f"{pad}    {describe_branch_en(b)}")
        for j, slot in enumerate(b.slots):
            leaf = "└─" if j == len(b.slots) - 1 else "├─"
            lines.append(f"{pad} {leaf} ช่องที่ {j + 1}: {describe_slot_th(slot)}"
                         f" / slot {j + 1}: {describe_slot_en(slot)}")
    return "\n".join(lines)
