"""DCQL: strict parsing of hostile queries, and judging responses with missing, extra or wrong credentials."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.core.errors import InputError
from thaivc.oid4vp.dcql import CredentialSetQuery, DcqlQuery, claim, credential
from thaivc.oid4vp.evaluate import Presented, evaluate, select

NAME = ["credentialSubject", "name"]
IAL = ["credentialSubject", "ial"]


def _citizen(**subject: Any) -> dict[str, Any]:
    return {
        "iss": "did:example:dopa",
        "vct": "ThaiCitizenCredential",
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"name": {"givenName": "สมหญิง"}, "ial": "2.3", "citizenId": "1101700230708", **subject},
    }


def _query() -> DcqlQuery:
    return DcqlQuery.of(credential("pid", vct="ThaiCitizenCredential", claims=[claim(NAME), claim(IAL, values=["2.3", "3"])]))


def _sd(doc: dict[str, Any], bound: bool = True) -> Presented:
    return Presented("dc+sd-jwt", doc, bound)


# -- hostile queries ------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", [
    {},
    {"credentials": []},
    {"credentials": [{"id": "a b", "format": "dc+sd-jwt"}]},
    {"credentials": [{"id": "a", "format": "mso_mdoc"}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt"}, {"id": "a", "format": "dc+sd-jwt"}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": []}]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": [-1]}]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": [1.5]}]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": ["x"], "values": [{"o": 1}]}]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": ["x"]}], "claim_sets": [["nope"]]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "trusted_authorities": [{"type": "aki", "values": ["x"]}]}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"type_values": [["X"]]}}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "surprise": 1}]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt"}], "credential_sets": [{"options": [["b"]]}]},
    {"credentials": [{"id": f"q{i}", "format": "dc+sd-jwt"} for i in range(17)]},
    {"credentials": [{"id": "a", "format": "dc+sd-jwt", "claims": [{"path": ["x"] * 17}]}]},
])
def test_hostile_queries_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(InputError) as err:
        DcqlQuery.from_json(bad)
    assert err.value.code == "openid.dcql_invalid"


def test_round_trip() -> None:
    q = DcqlQuery.of(
        credential("pid", vct="ThaiCitizenCredential", claims=[claim(NAME, id="n"), claim(IAL, id="i")],
                   claim_sets=[["n", "i"], ["n"]]),
        credential("co", format="ldp_vc", types=["VerifiableCredential", "JuristicPersonCredential"], multiple=True),
        sets=[CredentialSetQuery((("pid",),)), CredentialSetQuery((("co",),), required=False)],
    )
    assert DcqlQuery.from_json(q.to_json()) == q


# -- path selection ------------------------------------------------------------------------------

def test_select_follows_the_spec() -> None:
    doc = {"a": [{"b": 1}, {"b": 2}, {"c": 3}], "d": {"e": True}}
    assert select(doc, ["a", None, "b"]) == [1, 2]
    assert select(doc, ["a", 1, "b"]) == [2]
    assert select(doc, ["a", 9]) == []
    assert select(doc, ["d", 0]) == []          # an index into an object selects nothing
    assert select(doc, ["d", None]) == []
    assert select(doc, ["d", "e"]) == [True]


# -- judging responses ---------------------------------------------------------------------------

def test_the_asked_credential_is_accepted_and_only_the_asked_claims_kept() -> None:
    result = evaluate(_query(), {"pid": [_sd(_citizen())]})
    assert result.ok, result.problems
    claims = result.claims("pid")
    assert claims is not None
    assert claims["credentialSubject"] == {"name": {"givenName": "สมหญิง"}, "ial": "2.3"}
    assert "citizenId" not in claims["credentialSubject"]       # disclosed but not asked: not passed on


def test_missing_credential() -> None:
    result = evaluate(_query(), {})
    assert not result.ok and result.code == "openid.credential_missing"
    assert result.queries["pid"].status == "absent"


def test_extra_credential_under_unknown_id() -> None:
    result = evaluate(_query(), {"pid": [_sd(_citizen())], "other": [_sd(_citizen())]})
    assert not result.ok and result.code == "openid.credential_unrequested"


def test_two_credentials_where_one_was_asked() -> None:
    result = evaluate(_query(), {"pid": [_sd(_citizen()), _sd(_citizen())]})
    assert not result.ok and result.code == "openid.credential_unrequested"


@pytest.mark.parametrize("presented", [
    Presented("jwt_vc_json", _citizen(), True),                                   # wrong format
    _sd({**_citizen(), "vct": "ThaiDriverLicence"}),                               # wrong vct
    _sd(_citizen(ial="2.1")),                                                      # value not allowed
    _sd({**_citizen(), "credentialSubject": {"ial": "2.3"}}),                      # claim absent
    _sd(_citizen(ial=3)),                                                          # 3 is not "3"
    _sd(_citizen(), bound=False),                                                  # no holder binding
])
def test_a_credential_that_does_not_fit_its_query(presented: Presented) -> None:
    result = evaluate(_query(), {"pid": [presented]})
    assert not result.ok and result.code == "openid.credential_mismatch"
    assert result.queries["pid"].status == "refused"


def test_boolean_is_not_an_integer() -> None:
    q = DcqlQuery.of(credential("x", claims=[claim(["flag"], values=[1])]))
    assert not evaluate(q, {"x": [_sd({"flag": True})]}).ok
    assert evaluate(q, {"x": [_sd({"flag": 1})]}).ok


def test_claim_sets_choose_the_first_that_fits() -> None:
    q = DcqlQuery.of(credential("pid", claims=[claim(NAME, id="n"), claim(["credentialSubject", "birthDate"], id="b")],
                                claim_sets=[["n", "b"], ["n"]]))
    result = evaluate(q, {"pid": [_sd(_citizen())]})
    assert result.ok
    claims = result.claims("pid")
    assert claims is not None and "birthDate" not in claims["credentialSubject"]


def test_credential_sets_required_and_optional() -> None:
    q = DcqlQuery.of(
        credential("pid", vct="ThaiCitizenCredential"),
        credential("alt", vct="ThaiIdCard"),
        credential("extra", vct="Membership"),
        sets=[CredentialSetQuery((("pid",), ("alt",))), CredentialSetQuery((("extra",),), required=False)],
    )
    assert evaluate(q, {"alt": [_sd({"vct": "ThaiIdCard"})]}).ok
    assert evaluate(q, {"pid": [_sd(_citizen())], "extra": [_sd({"vct": "Membership"})]}).ok
    missing = evaluate(q, {"extra": [_sd({"vct": "Membership"})]})
    assert not missing.ok and missing.code == "openid.credential_missing"


def test_a_query_outside_every_set_is_not_accepted() -> None:
    q = DcqlQuery.of(credential("pid"), credential("loose"), sets=[CredentialSetQuery((("pid",),))])
    result = evaluate(q, {"pid": [_sd({})], "loose": [_sd({})]})
    assert not result.ok and result.code == "openid.credential_unrequested"


def test_w3c_types() -> None:
    q = DcqlQuery.of(credential("co", format="ldp_vc", types=[["VerifiableCredential", "JuristicPersonCredential"]]))
    good = Presented("ldp_vc", {"type": ["VerifiableCredential", "JuristicPersonCredential"]}, True)
    bad = Presented("ldp_vc", {"type": ["VerifiableCredential"]}, True)
    assert evaluate(q, {"co": [good]}).ok
    assert evaluate(q, {"co": [bad]}).code == "openid.credential_mismatch"
