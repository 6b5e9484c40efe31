"""Property tests: ``allows`` agrees with an exhaustive search, and the parser never raises."""

from __future__ import annotations

from itertools import permutations
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.authority import Act, AuthorityRule, SignerRef, parse_clause

POOL = ("สมชาย ใจดี", "สมศรี มีสุข", "ปรีชา ฉลาด", "มานี ขยัน", "วิชัย กล้าหาญ")
TAGS = ("financial", "government", "litigation")

names = st.sampled_from(POOL)
slot = st.one_of(
    st.just({"any_director": True}),
    st.lists(names, min_size=1, max_size=5, unique=True).map(lambda ns: {"any_of": [{"name_th": n} for n in ns]}),
)
scope = st.one_of(
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True).map(
        lambda ts: {"text_th": "ขอบเขต", "tags": ts}),
    st.tuples(st.integers(0, 3), st.integers(0, 3)).map(
        lambda b: {"text_th": "มูลค่า", "tags": [], "min_value_thb": min(b) * 1000, "max_value_thb": max(b) * 1000}),
)


@st.composite
def branch(draw: st.DrawFn) -> dict[str, Any]:
    slots = draw(st.lists(slot, min_size=1, max_size=4))
    mode = draw(st.sampled_from(["always", "only", "except"]))
    return {"mode": mode, "scope": None if mode == "always" else draw(scope), "total": len(slots), "slots": slots,
            "seal": draw(st.sampled_from(["required", "not_required", "unspecified"]))}


rules = st.lists(branch(), min_size=1, max_size=3).map(
    lambda bs: AuthorityRule.model_validate(
        {"branches": bs, "needs_review": False, "review_reason": None, "raw_clause_th": "-"}))
signers = st.lists(st.tuples(names, st.sampled_from(["", "นาย ", "ดร. "])), max_size=6).map(
    lambda xs: [SignerRef(name_th=t + n) for n, t in xs])


def bare(p: SignerRef) -> str:
    return p.name_th.removeprefix("นาย ").removeprefix("ดร. ")


def _in_scope(sc: dict[str, Any], tags: set[str], value: int | None) -> bool | None:
    if sc["tags"] and not tags & set(sc["tags"]):
        return False
    if "min_value_thb" not in sc and "max_value_thb" not in sc:
        return True
    if value is None:
        return None
    lo: int = sc.get("min_value_thb", 0)
    hi: int = sc.get("max_value_thb", 10**12)
    return lo <= value <= hi


def brute_force(rule: AuthorityRule, people: list[SignerRef], tags: set[str], value: int | None,
                seal: bool | None) -> int | None:
    """Index of the first branch some assignment satisfies, by trying every ordering of every subset."""
    distinct = sorted({bare(p) for p in people})
    for i, b in enumerate(rule.model_dump(mode="json")["branches"]):
        if b["mode"] != "always":
            inside = _in_scope(b["scope"], tags, value)
            if inside is None or inside != (b["mode"] == "only"):
                continue
        if len(distinct) < b["total"]:  # a head count is a minimum: surplus signers do not void it
            continue
        if b["seal"] == "required" and seal is not True:
            continue
        for order in permutations(distinct, b["total"]):
            if all(s.get("any_director") or any(p["name_th"] == who for p in s["any_of"])
                   for who, s in zip(order, b["slots"], strict=True)):
                return i
    return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule=rules, people=signers, tags=st.sets(st.sampled_from(TAGS)),
       value=st.one_of(st.none(), st.integers(0, 4000)), seal=st.sampled_from([None, True, False]))
def test_allows_agrees_with_exhaustive_search(rule: AuthorityRule, people: list[SignerRef], tags: set[str],
                                              value: int | None, seal: bool | None) -> None:
    d = rule.allows(people, act=Act(tags=frozenset(tags)), value_thb=value, seal=seal)
    expected = brute_force(rule, people, tags, value, seal)
    assert d.allowed is (expected is not None)
    assert d.branch_index == expected
    if d.allowed:
        assert d.problems == ()
        b = rule.branches[expected]  # type: ignore[index]
        assert sorted(d.assignment) == list(range(b.total))
        assert len({bare(s) for s in d.assignment.values()}) == b.total
        assert len(d.assignment) + len(d.surplus) == len({bare(p) for p in people})
        for j, s in d.assignment.items():
            sl = b.slots[j].model_dump()
            assert sl.get("any_director") or bare(s) in [p["name_th"] for p in sl["any_of"]]
    else:
        assert d.code in ("authority.not_satisfied", "authority.seal_required", "authority.value_required")
        assert len(d.problems) == 1 + len(rule.branches)


@settings(max_examples=200, deadline=None)
@given(rule=rules)
def test_rule_json_round_trip(rule: AuthorityRule) -> None:
    assert AuthorityRule.model_validate_json(rule.model_dump_json()) == rule


WORDS = ("กรรมการ", "สองคน", "คนใดคนหนึ่ง", "ลงลายมือชื่อ", "ร่วมกัน", "ร่วมกับ", "และ", "หรือ", "นาย ก",
         "นางสาว ข", "ดร.", "ประทับตราสำคัญของบริษัท", "โดยไม่ต้องประทับตรา", "เว้นแต่", "ให้", "(1)", "(2)",
         "กลุ่ม (ก)", "1.", "สองในสามคนนี้", "รวมเป็นสองคน", "การทำธุรกรรมทางการเงิน", "นอกจากผู้มีอำนาจตาม (1) แล้ว",
         "ได้ด้วย", "ทั้งนี้", "เกิน", "หนึ่งล้านบาท", "ทุกคน", " ", "\n", ",", "หุ้นส่วนผู้จัดการ:", "ไม่มี", ";",
         "1)", "2)", "(ก)", "(ข)", "กรณีทั่วไป", "เฉพาะกรณี", "สองในห้าคน", "กลุ่ม 1 ได้แก่")


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=25))
def test_parser_never_raises_and_never_half_reads(parts: list[str]) -> None:
    text = "".join(parts)
    rule = parse_clause(text)
    assert rule.raw_clause_th == text
    if rule.needs_review:
        assert rule.branches == [] and rule.review_reason
        assert not rule.allows([SignerRef(name_th="ก")], seal=True).allowed
    else:
        assert rule.branches and all(b.total == len(b.slots) for b in rule.branches)
