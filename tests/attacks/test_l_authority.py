"""Group L (2026 review): signing authority and director binding.

* L4 — a given name that only *looks* like it starts with a title ("นางนวล", "นายพล", "นางฟ้า",
  "คุณหญิง…", "หม่อม…") is never cut when the person's title has its own field; titles are compared
  separately; an ambiguous split is refused with ``authority.director_unmatched`` and the reason.
* L19 — two directors whose names differ only in where the title ends each bind to the right one.
* L5 — an act outside the clause's vocabulary never gets the weaker rule: well-known act tags are
  placed into clause scopes by a data table, anything unplaced is ``authority.act_unclassified``
  (indeterminate), never allowed.
* L15 — extra signers do not void a quorum; surplus signers are listed in the decision.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import pytest

from delegation._helpers import RD, poa
from thaivc.authority import DirectorName, SignerRef, parse_clause
from thaivc.authorization.authorizer import AuthorityDecision
from thaivc.authorization.scenario import World
from thaivc.core.errors import InputError
from thaivc.delegation import bind_director
from thaivc.engine.challenge import new_challenge
from thaivc.registries.dbd import FakeDbd
from thaivc.registries.dopa import FakeDopa

COMPANY = "0105560000018"  # a synthetic juristic id with a valid check digit (checked below)
E1 = "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
ONE = "กรรมการคนใดคนหนึ่งลงลายมือชื่อ"
GOV_EXCEPT = ("กรรมการคนใดคนหนึ่งลงลายมือชื่อ เว้นแต่การทำธุรกรรมกับหน่วยงานราชการ "
              "ให้กรรมการสองคนลงลายมือชื่อร่วมกัน")
FIN_EXCEPT = ("กรรมการคนใดคนหนึ่งลงลายมือชื่อ เว้นแต่การทำธุรกรรมทางการเงิน "
              "ให้กรรมการสองคนลงลายมือชื่อร่วมกัน")
UNMATCHED = "authority.director_unmatched"
UNCLASSIFIED = "authority.act_unclassified"


# -- a small world with the people these attacks need ------------------------------------------

def _check_digit(first12: str) -> str:
    total = sum(int(first12[i]) * (13 - i) for i in range(12))
    return str((11 - total % 11) % 10)


def _cid(n: int) -> str:
    body = f"19999{n:07d}"
    return body + _check_digit(body)


#: key → (title, given, family)
PEOPLE: dict[str, tuple[str, str, str]] = {
    "nuan": ("นาง", "นวล", "ใจดี"),               # Mrs Nuan
    "nangnuan": ("นางสาว", "นางนวล", "ใจดี"),     # Ms Nangnuan: a real given name
    "phon": ("นาย", "พล", "ใจดี"),
    "nayphon": ("นาย", "นายพล", "ใจดี"),
    "fa": ("นาง", "ฟ้า", "มีสุข"),
    "nangfa": ("นางสาว", "นางฟ้า", "มีสุข"),
    "kaew": ("คุณหญิง", "แก้ว", "ใจงาม"),
    "khunyingkaew": ("นางสาว", "คุณหญิงแก้ว", "ใจงาม"),
    "noi": ("หม่อมหลวง", "น้อย", "สุขสันต์"),
    "momluangnoi": ("นาย", "หม่อมหลวงน้อย", "สุขสันต์"),
    "third": ("นาย", "สามารถ", "ทองดี"),
}


def _citizens() -> dict[str, Any]:
    template = _template_citizen()
    citizens = []
    for i, (key, (title, given, family)) in enumerate(PEOPLE.items()):
        entry = copy.deepcopy(template)
        entry.update(key=key, citizen_id=_cid(100 + i))
        entry["name"] = {"title_th": title, "given_th": given, "middle_th": None, "family_th": family,
                         "title_en": None, "given_en": None, "middle_en": None, "family_en": None}
        entry["card"] = {"laser_code": f"ZX{9100 + i:04d}000001", "state": "valid"}
        entry["face_templates"] = {f"img:{key}:live": 0.97}
        citizens.append(entry)
    return {"citizens": citizens}


def _template_citizen() -> dict[str, Any]:
    world = World()
    return copy.deepcopy(dict(world.citizen_record("somchai")))


def _company(directors: Sequence[str], clause: str) -> dict[str, Any]:
    demo = FakeDbd().fixture["juristic_persons"]
    profile = copy.deepcopy(next(e for e in demo if e["profile"]["JuristicID"] == "0995562000018")["profile"])
    profile["JuristicID"] = COMPANY
    profile["JuristicName_TH"] = "บริษัท ทดสอบชื่อ จำกัด"
    profile["CommitteeInformations"] = [
        {"Sequence": i + 1, "Title": PEOPLE[k][0], "FirstName": PEOPLE[k][1], "LastName": PEOPLE[k][2], "Type": "K"}
        for i, k in enumerate(directors)]
    profile["AuthorizeDescriptions"] = [{"Sequence": 1, "AuthorizeDescription": clause, "Type": "L"},
                                        {"Sequence": 1, "AuthorizeDescription": "ไม่มี", "Type": "N"}]
    return {"juristic_persons": [{"key": "test", "profile": profile}]}


def _world(directors: Sequence[str], clause: str) -> World:
    world = World(dbd=FakeDbd(_company(directors, clause)))
    world.dopa = FakeDopa(_citizens(), clock=world.clock)
    return world


def _direct(world: World, keys: Sequence[str], *, act: str = "tax_filing", seal: bool | None = True,
            value_thb: int | None = 1_000) -> AuthorityDecision:
    challenge = new_challenge()
    company = world.company_credential(COMPANY)
    vps = [world.present(p, [p.credential, company], challenge=challenge, domain=RD)
           for p in (world.person(k) for k in keys)]
    return world.verifier().authorize(vps, act=act, on_behalf_of=COMPANY, challenge=challenge, domain=RD,
                                      policy=world.policy(), seal=seal, value_thb=value_thb)


def _subject(key: str, *, title: str | None = None) -> dict[str, Any]:
    t, given, family = PEOPLE[key]
    return {"id": f"did:example:{key}", "citizenId": _cid(100 + list(PEOPLE).index(key)),
            "titleTh": title if title is not None else t, "givenNameTh": given, "familyNameTh": family}


def _director(key: str) -> DirectorName:
    """A director as the registry lists them: the title in its own field."""
    from thaivc.delegation import directors_from_registry
    from thaivc.registries.dbd import Director

    t, given, family = PEOPLE[key]
    return directors_from_registry([Director(title=t, first_name=given, last_name=family, type="K")])[0]


def test_fixture_ids_are_valid() -> None:
    from thaivc.thai import is_valid_juristic_id

    assert is_valid_juristic_id(COMPANY)


# -- L4: a given name is never cut when the title has its own field ---------------------------

LOOKALIKES = [("nangnuan", "nuan"), ("nayphon", "phon"), ("nangfa", "fa"), ("khunyingkaew", "kaew"),
              ("momluangnoi", "noi")]


@pytest.mark.parametrize(("citizen", "director"), LOOKALIKES)
def test_l4_title_like_given_name_does_not_bind_to_another_director(citizen: str, director: str) -> None:
    with pytest.raises(InputError) as err:
        bind_director(_subject(citizen), [_director(director)])
    assert err.value.code == UNMATCHED


@pytest.mark.parametrize(("citizen", "director"), LOOKALIKES)
def test_l4_title_like_given_name_binds_to_its_own_director(citizen: str, director: str) -> None:
    binding = bind_director(_subject(citizen), [_director(director), _director(citizen)])
    assert binding.director == _director(citizen)
    assert binding.match.value == "exact"


def test_l4_titles_are_compared_when_both_sides_carry_one() -> None:
    with pytest.raises(InputError) as err:
        bind_director(_subject("nuan", title="นาย"), [_director("nuan")])
    assert err.value.code == UNMATCHED and "title" in err.value.detail


def test_l4_abbreviated_title_still_agrees() -> None:
    assert bind_director(_subject("nangnuan", title="น.ส."), [_director("nangnuan")]).director == _director("nangnuan")


def test_l4_end_to_end_a_non_director_with_a_title_like_name_is_not_a_director() -> None:
    world = _world(["nuan"], ONE)
    d = _direct(world, ["nangnuan"])
    assert not d.allowed and d.code == UNMATCHED


def test_l4_ambiguous_registry_string_is_refused_with_the_reason() -> None:
    # "ดร.นายพล ใจดี" is Dr Nayphon or Dr Mr Phon: both are directors, so the signer is not identified
    rule = parse_clause(ONE)
    directors = [DirectorName(name_th="ดร. นายพล ใจดี", title_th="ดร."), _director("phon")]
    d = rule.allows([SignerRef(name_th="ดร.นายพล ใจดี")], directors=directors)
    assert not d.allowed and d.code == UNMATCHED
    assert "ambiguous" in d.problems[0].detail


def test_l4_clause_name_is_bound_by_where_its_title_ends() -> None:
    # the clause names Mrs Nuan; Ms Nangnuan is the only director: the clause does not name her
    rule = parse_clause("นางนวล ใจดี ลงลายมือชื่อ", [_director("nangnuan")])
    assert rule.needs_review and "นางนวล" in (rule.review_reason or "")


def test_l4_decision_binding_does_not_cut_a_structured_name() -> None:
    rule = parse_clause(ONE)
    signer = SignerRef(name_th="นางสาว นางนวล ใจดี", title_th="นางสาว")
    d = rule.allows([signer], directors=[_director("nuan")])
    assert not d.allowed and d.code == UNMATCHED


# -- L19: names that differ only in where the title ends -----------------------------------------

def test_l19_each_binds_to_the_right_director() -> None:
    both = [_director("nuan"), _director("nangnuan")]
    assert bind_director(_subject("nuan"), both).director == _director("nuan")
    assert bind_director(_subject("nangnuan"), both).director == _director("nangnuan")


def test_l19_both_directors_act_together() -> None:
    world = _world(["nuan", "nangnuan"], E1)
    d = _direct(world, ["nuan", "nangnuan"])
    assert d.allowed, d.problems
    assert sorted(b.director.name_th for b in d.signers) == ["นาง นวล ใจดี", "นางสาว นางนวล ใจดี"]


@pytest.mark.parametrize("key", ["nuan", "nangnuan"])
def test_l19_each_acts_alone_as_herself(key: str) -> None:
    world = _world(["nuan", "nangnuan"], ONE)
    d = _direct(world, [key])
    assert d.allowed, d.problems
    assert [b.citizen_id for b in d.signers] == [world.person(key).citizen_id]
    t, g, f = PEOPLE[key]
    assert d.signers[0].director.name_th == f"{t} {g} {f}"


def test_l19_two_signers_are_two_people_in_the_rule() -> None:
    rule = parse_clause(E1)
    signers = [SignerRef(name_th="นาง นวล ใจดี", title_th="นาง", citizen_id=_cid(100)),
               SignerRef(name_th="นางสาว นางนวล ใจดี", title_th="นางสาว", citizen_id=_cid(101))]
    assert rule.allows(signers, seal=True).allowed


def test_l19_clause_naming_each_binds_to_the_right_director() -> None:
    both = [_director("nuan"), _director("nangnuan")]
    rule = parse_clause("นางสาวนางนวล ใจดี ลงลายมือชื่อร่วมกับ นางนวล ใจดี", both)
    assert not rule.needs_review, rule.review_reason
    names = [s.any_of[0].name_th for s in rule.branches[0].slots]  # type: ignore[union-attr]
    assert names == ["นางนวล ใจดี", "นวล ใจดี"]
    me = [bind_director(_subject(k), both).signer() for k in ("nuan", "nangnuan")]
    assert rule.allows(me, directors=both).allowed
    assert not rule.allows([me[0]], directors=both).allowed


# -- L5: an act outside the clause's vocabulary ----------------------------------------------------

@pytest.mark.parametrize("act", ["tax_filing", "vat_refund", "customs_declaration", "social_security_filing"])
def test_l5_government_acts_need_the_stricter_rule(act: str) -> None:
    d = parse_clause(GOV_EXCEPT).allows([SignerRef(name_th="สมชาย ใจดี")], act=act)
    assert not d.allowed and d.code == "authority.not_satisfied"
    two = [SignerRef(name_th="สมชาย ใจดี"), SignerRef(name_th="สมศรี มีสุข")]
    assert parse_clause(GOV_EXCEPT).allows(two, act=act).allowed


@pytest.mark.parametrize("act", ["bank_transfer", "loan", "bank_account_opening", "guarantee"])
def test_l5_financial_acts_need_the_stricter_rule(act: str) -> None:
    d = parse_clause(FIN_EXCEPT).allows([SignerRef(name_th="สมชาย ใจดี")], act=act)
    assert not d.allowed and d.code == "authority.not_satisfied"


@pytest.mark.parametrize("act", ["widget_signing", "tax_filingx"])
def test_l5_unplaced_act_is_indeterminate_never_allowed(act: str) -> None:
    d = parse_clause(GOV_EXCEPT).allows([SignerRef(name_th="สมชาย ใจดี")], act=act)
    assert not d.allowed and d.code == UNCLASSIFIED and d.indeterminate
    assert act in d.problems[0].detail


def test_l5_unplaced_act_is_fine_where_the_rule_has_no_tagged_scope() -> None:
    assert parse_clause(ONE).allows([SignerRef(name_th="สมชาย ใจดี")], act="widget_signing").allowed


def test_l5_end_to_end_tax_filing_by_one_director() -> None:
    world = _world(["nuan", "phon"], GOV_EXCEPT)
    d = _direct(world, ["nuan"], act="tax_filing", seal=None)
    assert d.outcome == "refused" and d.code == "authority.not_satisfied"
    assert _direct(world, ["nuan", "phon"], act="tax_filing", seal=None).allowed


def test_l5_end_to_end_unknown_act_is_indeterminate() -> None:
    world = _world(["nuan", "phon"], GOV_EXCEPT)
    d = _direct(world, ["nuan"], act="widget_signing", seal=None)
    assert d.outcome == "indeterminate" and d.code == UNCLASSIFIED


def test_l5_table_is_data_with_thai_labels() -> None:
    from thaivc.authority import ACT_SCOPES

    assert ACT_SCOPES["tax_filing"].scopes == frozenset({"government"})
    assert ACT_SCOPES["tax_filing"].label_th == "ยื่นแบบภาษี"
    assert all(entry.label_th for entry in ACT_SCOPES.values())


# -- L15: extra signers do not void a quorum ------------------------------------------------------

def test_l15_three_directors_meet_a_two_director_rule() -> None:
    people = [SignerRef(name_th=n) for n in ("สมชาย ใจดี", "สมศรี มีสุข", "ปรีชา ฉลาด")]
    d = parse_clause(E1).allows(people, seal=True)
    assert d.allowed, d.problems
    assert [s.name_th for s in d.surplus] == ["ปรีชา ฉลาด"]
    assert "ปรีชา ฉลาด" in d.explanation_th and "ปรีชา ฉลาด" in d.explanation_en


def test_l15_named_slots_with_an_extra_signer() -> None:
    rule = parse_clause("นายสมชาย ใจดี ลงลายมือชื่อร่วมกับ นางสาวสมศรี มีสุข")
    people = [SignerRef(name_th=n) for n in ("ปรีชา ฉลาด", "สมศรี มีสุข", "สมชาย ใจดี")]
    d = rule.allows(people)
    assert d.allowed and [s.name_th for s in d.surplus] == ["ปรีชา ฉลาด"]
    assert d.to_json()["surplus"] == [{"name_th": "ปรีชา ฉลาด"}]


def test_l15_thai_text_says_too_few_only_when_too_few() -> None:
    rule = parse_clause("นายสมชาย ใจดี ลงลายมือชื่อร่วมกับ นางสาวสมศรี มีสุข")
    few = rule.allows([SignerRef(name_th="สมชาย ใจดี")])
    assert "ไม่ครบ" in few.explanation_th
    wrong = rule.allows([SignerRef(name_th="ปรีชา ฉลาด"), SignerRef(name_th="มานี ขยัน"),
                         SignerRef(name_th="สมชาย ใจดี")])
    assert not wrong.allowed and "ไม่ครบ" not in wrong.explanation_th


def test_l15_end_to_end_three_directors_acting_directly() -> None:
    world = _world(["nuan", "phon", "third"], E1)
    d = _direct(world, ["nuan", "phon", "third"])
    assert d.allowed, d.problems
    assert len(d.signers) == 2 and [b.director.name_th for b in d.surplus] == ["นาย สามารถ ทองดี"]
    assert d.to_json()["surplus"][0]["director"] == "นาย สามารถ ทองดี"


def test_l15_end_to_end_root_signed_by_three_directors() -> None:
    world = _world(["nuan", "phon", "third"], E1)
    acct = world.person("fa")
    keys = [world.person(k).key for k in ("nuan", "phon", "third")]
    doc = poa(world, acct, keys, grantor_id=COMPANY)
    creds = [world.company_credential(COMPANY), *(world.person(k).credential for k in ("nuan", "phon", "third")), doc]
    challenge = new_challenge()
    vp = world.present(acct, [acct.credential, *creds], challenge=challenge, domain=RD)
    d = world.verifier().authorize(vp, act="tax_filing", on_behalf_of=COMPANY, challenge=challenge, domain=RD,
                                   policy=world.policy(), value_thb=1_000)
    assert d.allowed, d.problems
    assert len(d.surplus) == 1


def test_l15_only_is_not_silently_dropped() -> None:
    # "only these two" is not modelled: such a clause goes to review rather than losing the word
    assert parse_clause("กรรมการสองคนลงลายมือชื่อร่วมกันเท่านั้น").needs_review


# -- L4, same mistake elsewhere: every splitter of registry strings --------------------------------

@pytest.mark.parametrize(("text", "title", "given"), [
    ("นาง นางนวล ใจดี", "นาง", "นางนวล"), ("นางสาวนางนวล ใจดี", "นางสาว", "นางนวล"),
    ("นาย นายพล ใจดี", "นาย", "นายพล"), ("นางนวล ใจดี", "นาง", "นวล")])
def test_l4_thai_name_parse_stops_at_one_personal_title(text: str, title: str, given: str) -> None:
    from thaivc.thai import ThaiName

    name = ThaiName.parse(text)
    assert (name.title_th, name.given_th) == (title, given)


@pytest.mark.parametrize(("text", "key"), [
    ("นาง นางนวล ใจดี", "นางนวล ใจดี"), ("นางสาว นางฟ้า มีสุข", "นางฟ้า มีสุข"),
    ("นางนวล ใจดี", "นวล ใจดี"), ("ว่าที่ร้อยตรี ดร. สมชาย ใจดี", "สมชาย ใจดี")])
def test_l4_registry_string_key_cuts_one_title_of_each_kind(text: str, key: str) -> None:
    from thaivc.authority import name_key, strip_titles

    assert name_key(text) == key and strip_titles(text) == key


def test_l4_unbound_clause_name_with_two_readings_goes_to_review() -> None:
    rule = parse_clause("ดร.นายพล ใจดี ลงลายมือชื่อ")
    assert rule.needs_review and "directors list" in (rule.review_reason or "")
    bound = parse_clause("ดร.นายพล ใจดี ลงลายมือชื่อ", [_director("phon")])
    assert not bound.needs_review and bound.branches[0].slots[0].any_of[0].name_th == "พล ใจดี"  # type: ignore[union-attr]


def test_l5_every_clause_scope_the_parser_produces_is_in_the_table() -> None:
    from thaivc.authority import CLAUSE_SCOPES
    from thaivc.authority._scope import _TAG_PATTERNS

    assert {tag for tag, _ in _TAG_PATTERNS} <= set(CLAUSE_SCOPES)


@pytest.mark.parametrize(("act", "code"), [("tax_filing", 1), ("widget_signing", 3), ("general", 0)])
def test_l5_command_line_check_never_allows_an_unplaced_act(act: str, code: int,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from thaivc.cli import main

    assert main(["authority", "check", GOV_EXCEPT, "--signer", "สมชาย ใจดี", "--act", act]) == code
    assert ("INDETERMINATE" in capsys.readouterr().out) == (code == 3)
