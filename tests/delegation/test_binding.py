"""Who signed: binding verified citizens to DBD directors (unique, ambiguous, partial)."""

from __future__ import annotations

import pytest

from thaivc.authority import DirectorName
from thaivc.core.errors import InputError
from thaivc.delegation import bind_director, directors_from_credential, directors_from_registry
from thaivc.registries.dbd import FakeDbd
from thaivc.thai import MatchResult

DIRECTORS = [DirectorName(name_th="นาย สมศักดิ์ ทองคำ"), DirectorName(name_th="นางสาว ปิยะนุช ศรีสยาม")]


def subject(given: str, family: str, *, title: str = "นาย", cid: str = "1999900001141") -> dict[str, str]:
    return {"id": "did:key:z6MkExample", "citizenId": cid, "titleTh": title, "givenNameTh": given,
            "familyNameTh": family}


def test_unique_exact_match_binds_the_registered_director() -> None:
    b = bind_director(subject("สมศักดิ์", "ทองคำ"), DIRECTORS)
    assert b.director.name_th == "นาย สมศักดิ์ ทองคำ"
    assert b.match is MatchResult.EXACT
    assert b.signer().citizen_id == "1999900001141"
    assert b.signer().name_th == "นาย สมศักดิ์ ทองคำ"


def test_title_differences_do_not_matter() -> None:
    """DBD may list a rank the citizen credential does not carry; titles are stripped both sides."""
    dirs = [DirectorName(name_th="พล.ต.อ. วีระ กล้าหาญ")]
    assert bind_director(subject("วีระ", "กล้าหาญ", title="นาย"), dirs).director == dirs[0]


def test_fold_match_is_reported_as_such_never_as_exact() -> None:
    # "น้ำ" typed with NIKHAHIT + SARA AA instead of SARA AM folds equal but is not identical
    dirs = [DirectorName(name_th="นาย น้ำ ใจดี")]
    b = bind_director(subject("\u0e19\u0e49\u0e4d\u0e32", "ใจดี"), dirs)
    assert b.match is MatchResult.MATCH_WITH_FOLD


def test_ambiguous_match_is_refused() -> None:
    dirs = [DirectorName(name_th="นาย สมชาย ใจดี"), DirectorName(name_th="ดร. สมชาย ใจดี")]
    with pytest.raises(InputError) as exc:
        bind_director(subject("สมชาย", "ใจดี"), dirs)
    assert exc.value.code == "authority.director_unmatched"
    assert "2 directors" in exc.value.detail


@pytest.mark.parametrize(("given", "family", "why"), [
    ("สมชาย", "ทองคำ", "only the family name matches"),
    ("สมศักดิ์", "ทองดี", "only the given name matches"),
])
def test_partial_match_is_refused_with_the_reason(given: str, family: str, why: str) -> None:
    with pytest.raises(InputError) as exc:
        bind_director(subject(given, family), DIRECTORS)
    assert exc.value.code == "authority.director_unmatched"
    assert why in exc.value.detail


def test_stranger_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        bind_director(subject("อนุชา", "บุญมา"), DIRECTORS)
    assert exc.value.code == "authority.director_unmatched"
    assert "not among" in exc.value.detail


def test_subject_without_thai_name_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        bind_director({"id": "did:key:z", "citizenId": "1999900001141"}, DIRECTORS)
    assert exc.value.code == "schema.invalid"


def test_directors_from_registry_and_credential_agree() -> None:
    company = FakeDbd().lookup("0995562000018")
    from_registry = directors_from_registry(company.directors)
    rows = [{"titleTh": d.title, "givenNameTh": d.first_name, "familyNameTh": d.last_name} for d in company.directors]
    assert directors_from_credential({"directors": rows}) == from_registry
    assert [d.name_th for d in from_registry] == ["นาย สมศักดิ์ ทองคำ", "นางสาว ปิยะนุช ศรีสยาม"]


def test_malformed_director_rows_are_refused() -> None:
    with pytest.raises(InputError):
        directors_from_credential({"directors": [{"givenNameTh": "ก"}]})
    with pytest.raises(InputError):
        directors_from_credential({})
