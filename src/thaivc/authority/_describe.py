"""Thai and English sentences describing branches, for decisions and for ``render_tree``.

The sentences are generated from the model, not copied from the clause, so what a person reads is
exactly what the decision enforced.
"""

from __future__ import annotations

from thaivc.authority._model import AnyDirector, Branch, Scope, Slot

__all__ = ["describe_branch_en", "describe_branch_th", "describe_scope_en", "describe_slot_en",
           "describe_slot_th", "thai_count"]

_TH_NUM = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า", "สิบ")
_EN_NUM = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def thai_count(n: int) -> str:
    return _TH_NUM[n] if 0 <= n < len(_TH_NUM) else str(n)


def _en_count(n: int) -> str:
    return _EN_NUM[n] if 0 <= n < len(_EN_NUM) else str(n)


def _grouped(slots: list[Slot]) -> list[tuple[Slot, int]]:
    """Identical slots folded together, in order of first appearance."""
    out: list[tuple[Slot, int]] = []
    for s in slots:
        for i, (t, n) in enumerate(out):
            if t == s:
                out[i] = (t, n + 1)
                break
        else:
            out.append((s, 1))
    return out


def describe_slot_th(slot: Slot, n: int = 1) -> str:
    if isinstance(slot, AnyDirector):
        return "กรรมการคนใดคนหนึ่ง" if n == 1 else f"กรรมการ{thai_count(n)}คน"
    who = f"กรรมการกลุ่ม ({slot.group})" if slot.group is not None else " หรือ ".join(p.name_th for p in slot.any_of)
    if len(slot.any_of) == 1 and slot.group is None:
        return who if n == 1 else f"{who} ({thai_count(n)}ครั้ง)"
    if n == 1:
        return f"{who} คนใดคนหนึ่ง" if slot.group is not None else f"({who})"
    return f"{who} {thai_count(n)}คน" if slot.group is not None else f"{thai_count(n)}คนจาก ({who})"


def describe_slot_en(slot: Slot, n: int = 1) -> str:
    if isinstance(slot, AnyDirector):
        return "any one director" if n == 1 else f"any {_en_count(n)} directors"
    if slot.group is not None:
        return (f"one director of group ({slot.group})" if n == 1
                else f"{_en_count(n)} directors of group ({slot.group})")
    names = " or ".join(p.name_th for p in slot.any_of)
    if len(slot.any_of) == 1:
        return names
    return f"({names})" if n == 1 else f"{_en_count(n)} of ({names})"


def describe_scope_en(scope: Scope) -> str:
    bits: list[str] = []
    if scope.tags:
        bits.append("/".join(scope.tags))
    if scope.min_value_thb is not None:
        bits.append(f"value ≥ {scope.min_value_thb:,} THB")
    if scope.max_value_thb is not None:
        bits.append(f"value ≤ {scope.max_value_thb:,} THB")
    return f"{', '.join(bits)} (“{scope.text_th}”)"


def _seal_th(b: Branch) -> str:
    return {"required": "และประทับตราสำคัญของบริษัท", "not_required": " โดยไม่ต้องประทับตราสำคัญ",
            "unspecified": ""}[b.seal]


def _seal_en(b: Branch) -> str:
    return {"required": " with the company seal", "not_required": " without the company seal",
            "unspecified": " (the clause does not mention the seal)"}[b.seal]


def _split(b: Branch) -> tuple[list[tuple[Slot, int]], int]:
    """Named or group slots (folded), and how many any-director slots come with them."""
    named: list[tuple[Slot, int]] = [(s, n) for s, n in _grouped(b.slots) if not isinstance(s, AnyDirector)]
    return named, sum(isinstance(s, AnyDirector) for s in b.slots)


def _en_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def describe_branch_th(b: Branch) -> str:
    named, others = _split(b)
    if not named:
        core = f"{describe_slot_th(AnyDirector(), others)}ลงลายมือชื่อ{'ร่วมกัน' if others > 1 else ''}"
    else:
        who = " และ ".join(describe_slot_th(s, n) for s, n in named)
        if others:
            who += f" ร่วมกับกรรมการอื่นอีก{thai_count(others)}คน"
        if b.total == 1:
            core = f"{who} ลงลายมือชื่อ"
        elif len(named) == 1 and not others:
            core = f"{who} ลงลายมือชื่อร่วมกัน"
        else:
            core = f"{who} ลงลายมือชื่อร่วมกัน รวมเป็น{thai_count(b.total)}คน"
    text = core + _seal_th(b)
    if b.scope is not None:
        text += f" (เฉพาะ{b.scope.text_th})" if b.mode == "only" else f" (เว้นแต่{b.scope.text_th})"
    return text


def describe_branch_en(b: Branch) -> str:
    named, others = _split(b)
    if not named:
        core = ("any one director signs alone" if others == 1
                else f"any {_en_count(others)} directors sign jointly")
    else:
        who = _en_list([describe_slot_en(s, n) for s, n in named])
        if others:
            who += f" with {_en_count(others)} other director{'s' if others > 1 else ''}"
        if b.total == 1:
            core = f"{who} signs alone"
        elif len(named) == 1 and not others:
            core = f"{who} sign jointly"
        else:
            core = f"{who} sign jointly, {_en_count(b.total)} in total"
    text = core[0].upper() + core[1:] + _seal_en(b)
    if b.scope is not None:
        where = "only for" if b.mode == "only" else "except for"
        text += f"; {where} {describe_scope_en(b.scope)}"
    return text
