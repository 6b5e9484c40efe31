"""Decisions on parsed reference clauses: scopes, thresholds, the seal, duplicates, explanations."""

from __future__ import annotations

import pytest

from thaivc.authority import Act, AuthorityRule, DirectorName, SignerRef, parse_clause, render_tree
from thaivc.core.errors import UsageError

from ._rules import B, P
from .test_authority_clauses import E1, E2, E3, E7, E9, E10, E11, E12, E13


def S(*names: str) -> list[SignerRef]:
    return [SignerRef(name_th=n) for n in names]


def rule_of(*bs: dict[str, object]) -> AuthorityRule:
    return AuthorityRule.model_validate(
        {"branches": list(bs), "needs_review": False, "review_reason": None, "raw_clause_th": "-"})


class TestSeal:
    def test_required_and_sealed_is_allowed(self) -> None:
        d = parse_clause(E1).allows(S("ก", "ข"), seal=True)
        assert d.allowed and d.branch_index == 0 and d.problems == ()

    @pytest.mark.parametrize("seal", [False, None])
    def test_required_but_not_sealed_is_refused(self, seal: bool | None) -> None:
        d = parse_clause(E1).allows(S("ก", "ข"), seal=seal)
        assert not d.allowed
        assert d.code == "authority.seal_required"
        assert d.assignment == {}

    def test_not_required_ignores_the_seal(self) -> None:
        rule = parse_clause("กรรมการสองคนลงลายมือชื่อร่วมกันโดยไม่ต้องประทับตราสำคัญของบริษัท")
        for seal in (True, False, None):
            d = rule.allows(S("ก", "ข"), seal=seal)
            assert d.allowed and d.notes == ()

    def test_unspecified_and_unknown_is_allowed_but_flagged(self) -> None:
        d = parse_clause(E13).allows(S("ก"), seal=None)
        assert d.allowed
        assert d.notes == ("seal_unspecified",)
        assert "ตราสำคัญ" in d.explanation_th and "seal" in d.explanation_en

    @pytest.mark.parametrize("seal", [True, False])
    def test_unspecified_with_known_seal_is_not_flagged(self, seal: bool) -> None:
        d = parse_clause(E13).allows(S("ก"), seal=seal)
        assert d.allowed and d.notes == ()


class TestCounts:
    def test_count_is_a_minimum(self) -> None:
        # a third director signing does not void the quorum: it is listed as surplus (review L15)
        rule = parse_clause(E1)
        assert not rule.allows(S("ก"), seal=True).allowed
        assert rule.allows(S("ก", "ข"), seal=True).allowed
        d = rule.allows(S("ก", "ข", "ค"), seal=True)
        assert d.allowed and d.code is None
        assert [s.name_th for s in d.assignment.values()] == ["ก", "ข"]
        assert [s.name_th for s in d.surplus] == ["ค"]

    def test_a_director_signing_twice_counts_once(self) -> None:
        d = parse_clause(E1).allows(S("ก", "ก"), seal=True)
        assert not d.allowed and d.code == "authority.not_satisfied"
        assert "got 1" in d.problems[0].detail

    def test_the_same_director_with_and_without_title_counts_once(self) -> None:
        d = parse_clause(E3).allows(S("ก", "นาย ก"), seal=True)
        assert d.allowed and d.branch_index == 0

    def test_one_director_under_two_citizen_ids_is_refused(self) -> None:
        signers = [SignerRef(name_th="ก", citizen_id="1101700203450"), SignerRef(name_th="นาย ก", citizen_id="3100600123450")]
        d = parse_clause(E1).allows(signers, seal=True)
        assert not d.allowed and d.code == "authority.director_unmatched"

    def test_no_signers(self) -> None:
        d = parse_clause(E1).allows([], seal=True)
        assert not d.allowed and d.code == "authority.not_satisfied"

    def test_e7_needs_three_distinct_people(self) -> None:
        rule = parse_clause(E7)
        assert rule.allows(S("ก", "ข", "ค"), seal=True).allowed
        assert not rule.allows(S("ก", "ข"), seal=True).allowed
        assert not rule.allows(S("ก", "ค", "ง"), seal=True).allowed


class TestMatching:
    def test_greedy_fill_would_fail_but_a_matching_exists(self) -> None:
        rule = rule_of(B("always", 2, [P("ก", "ข"), P("ก")], "not_required"))
        d = rule.allows(S("ก", "ข"))
        assert d.allowed
        assert {k: v.name_th for k, v in d.assignment.items()} == {0: "ข", 1: "ก"}

    def test_two_people_cannot_share_one_slot_set(self) -> None:
        rule = rule_of(B("always", 2, [P("ก"), P("ก", "ข")], "not_required"))
        d = rule.allows(S("ข", "ค"))
        assert not d.allowed and "ก" in d.problems[1].detail

    def test_citizen_id_outranks_the_name(self) -> None:
        rule = rule_of(B("always", 1, [{"any_of": [{"name_th": "ก", "citizen_id": "1101700203450"}]}], "not_required"))
        assert rule.allows([SignerRef(name_th="ก", citizen_id="1101700203450")]).allowed
        assert not rule.allows([SignerRef(name_th="ก", citizen_id="3100600123450")]).allowed
        assert rule.allows([SignerRef(name_th="ก")]).allowed


class TestScopes:
    def test_e9_non_financial_acts_need_only_ko(self) -> None:
        rule = parse_clause(E9)
        assert rule.allows(S("ก")).allowed
        assert rule.allows(S("ก"), act="government").allowed
        assert not rule.allows(S("ข")).allowed
        d = rule.allows(S("ก", "ข"))  # ข signing too does not void ก's authority (review L15)
        assert d.allowed and [s.name_th for s in d.surplus] == ["ข"]

    def test_e9_financial_acts_need_ko_and_kho(self) -> None:
        rule = parse_clause(E9)
        d = rule.allows(S("ก"), act="financial")
        assert not d.allowed and d.code == "authority.not_satisfied"
        assert "excludes" in d.problems[1].detail
        d = rule.allows(S("ข", "ก"), act=Act(tags=frozenset({"financial"})))
        assert d.allowed and d.branch_index == 1

    def test_e10_government_act_allowed_by_chor_alone(self) -> None:
        rule = parse_clause(E10)
        for act in ("government", "litigation", Act(tags=frozenset({"government", "financial"}))):
            d = rule.allows(S("ฉ"), act=act)
            assert d.allowed and d.branch_index == 2
        assert not rule.allows(S("ฉ")).allowed
        assert not rule.allows(S("ฉ"), act="financial").allowed

    def test_e10_general_rule_still_applies_to_government_acts(self) -> None:
        rule = parse_clause(E10)
        assert rule.allows(S("ก", "ฉ"), act="government").allowed
        assert rule.allows(S("ง", "จ")).allowed
        assert not rule.allows(S("ค", "ฉ")).allowed

    @pytest.mark.parametrize(("value", "one_ok", "two_ok"), [
        (0, True, True), (1_000_000, True, True), (1_000_001, False, True), (50_000_000, False, True)])
    def test_e12_threshold(self, value: int, one_ok: bool, two_ok: bool) -> None:
        rule = parse_clause(E12)
        assert rule.allows(S("ก"), value_thb=value, seal=True).allowed is one_ok
        assert rule.allows(S("ก", "ข"), value_thb=value, seal=True).allowed is two_ok

    def test_e12_without_a_value_cannot_decide(self) -> None:
        d = parse_clause(E12).allows(S("ก"), seal=True)
        assert not d.allowed and d.code == "authority.value_required"


class TestRefusals:
    def test_review_rule_never_allows(self) -> None:
        rule = parse_clause(E11)
        for signers in (S("ก", "ค"), S("ก", "ค", "ง"), S("ก")):
            d = rule.allows(signers, seal=True)
            assert not d.allowed and d.code == "authority.clause_unreadable"

    @pytest.mark.parametrize("kwargs", [{"value_thb": -1}, {"value_thb": True}, {"value_thb": 1.5},
                                        {"seal": "yes"}, {"act": "Financial!"}, {"act": 3}])
    def test_bad_arguments_are_usage_errors(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(UsageError):
            parse_clause(E1).allows(S("ก", "ข"), **kwargs)  # type: ignore[arg-type]

    def test_signers_must_be_signer_refs(self) -> None:
        with pytest.raises(UsageError):
            parse_clause(E1).allows(["ก", "ข"], seal=True)  # type: ignore[list-item]


class TestExplanations:
    def test_allowed_explanation_reads_as_a_sentence(self) -> None:
        d = parse_clause(E1).allows(S("สมชาย ใจดี", "สมศรี มีสุข"), seal=True)
        assert d.explanation_th == ("ต้องมีกรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
                                    " — ได้รับลงนามจาก สมชาย ใจดี, สมศรี มีสุข")
        assert d.explanation_en == ("Any two directors sign jointly with the company seal"
                                    " — signed by สมชาย ใจดี, สมศรี มีสุข.")

    def test_refusal_explains_every_branch(self) -> None:
        d = parse_clause(E3).allows(S("ข"), seal=True)
        assert d.code == "authority.not_satisfied"
        assert [p.loc for p in d.problems[1:]] == [("branches", 0), ("branches", 1)]
        assert "ก" in d.problems[1].detail and "at least 2" in d.problems[2].detail
        assert "branch 1" in d.explanation_en and "branch 2" in d.explanation_en
        assert "ไม่ครบ" in d.explanation_th


def test_render_tree_shows_every_branch_and_slot() -> None:
    text = render_tree(parse_clause(E10))
    assert text.count("[") >= 3 and "[3]" in text
    assert "เฉพาะการทำธุรกรรมต่างๆ กับหน่วยงานราชการ" in text
    assert "only for government/litigation" in text
    assert text.count("slot ") == 5
    assert "needs human review" in render_tree(parse_clause(E11))


class TestDirectorsBinding:
    DIRECTORS = [DirectorName(name_th="นาย สมชาย ใจดี", citizen_id="1101700203450"),
                 DirectorName(name_th="นางสาว สมศรี มีสุข"), DirectorName(name_th="ดร. ปรีชา ฉลาด")]

    def test_directors_sign(self) -> None:
        d = parse_clause(E1).allows(S("สมชาย ใจดี", "นางสาว สมศรี มีสุข"), seal=True, directors=self.DIRECTORS)
        assert d.allowed

    def test_a_stranger_cannot_fill_an_any_director_slot(self) -> None:
        d = parse_clause(E1).allows(S("สมชาย ใจดี", "มานี ขยัน"), seal=True, directors=self.DIRECTORS)
        assert not d.allowed and d.code == "authority.director_unmatched"
        assert "มานี ขยัน" in d.problems[0].detail

    def test_a_namesake_with_another_citizen_id_is_not_the_director(self) -> None:
        signer = SignerRef(name_th="สมชาย ใจดี", citizen_id="3100600123450")
        d = parse_clause(E2).allows([signer], seal=True, directors=self.DIRECTORS)
        assert not d.allowed and d.code == "authority.director_unmatched"

    def test_two_directors_with_one_name_cannot_be_told_apart(self) -> None:
        twins = [DirectorName(name_th="นาย ก"), DirectorName(name_th="ดร. ก")]
        d = parse_clause(E2).allows(S("ก"), seal=True, directors=twins)
        assert not d.allowed and d.code == "authority.director_unmatched"


def test_k_of_n_with_classifier_on_both_numbers() -> None:
    rule = parse_clause("นาย ก นาย ข นาย ค นาย ง กรรมการสองคนในสี่คนนี้ลงลายมือชื่อร่วมกัน")
    assert not rule.needs_review
    assert rule.allows(S("ข", "ง")).allowed
    assert not rule.allows(S("ข", "จ")).allowed


def test_besides_clause_referring_to_section_by_kho() -> None:
    rule = parse_clause("(1) กรรมการสองคนลงลายมือชื่อร่วมกัน (2) การดำเนินคดี นอกจากผู้มีอำนาจตามข้อ (1) แล้ว"
                        "ให้นาย ก ลงลายมือชื่อ")
    assert not rule.needs_review, rule.review_reason
    assert rule.allows(S("ก"), act="litigation").allowed
    assert not rule.allows(S("ก")).allowed


def test_decision_json_view() -> None:
    import json

    d = parse_clause(E3).allows(S("ข", "ค"), seal=True)
    data = json.loads(json.dumps(d.to_json()))
    assert data["allowed"] is True and data["branch_index"] == 1
    assert sorted(data["assignment"]) == ["0", "1"]
    assert {v["name_th"] for v in data["assignment"].values()} == {"ข", "ค"}
    refused = parse_clause(E3).allows(S("ข"), seal=False).to_json()
    assert refused["allowed"] is False
    assert refused["problems"][0]["code"] == "authority.not_satisfied"
    assert len(refused["problems"]) == 3


def test_act_accepts_any_collection_of_tags() -> None:
    rule = parse_clause(E9)
    assert rule.allows(S("ก", "ข"), act=Act(tags={"financial"})).allowed
