"""Chains root → leaf: links, attenuation, nesting in time, status, shape."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.delegation import ChainQuestion, DiProofSuite, check_chain

from ._helpers import parsed, poa, root_poa

ACTS = ["tax_filing", "vat_filing", "customs", "social_security"]


def run(world: World, docs: list[dict[str, Any]], holder: str, *, act: str = "tax_filing",
        value_thb: int | None = 1000, status: bool = True, **kw: Any) -> Any:
    suite = DiProofSuite(clock=world.clock)
    links = [parsed(d) for d in docs]
    proofs = {d.id: suite.verify(d.document) for d in links}
    return check_chain(links, proofs, ChainQuestion(holder, DEMO_COMPANY, act, value_thb),
                        now=world.clock.now(), status=world.revocations.check if status else None, **kw)


@pytest.fixture
def people(world: World) -> tuple[Any, Any, Any]:
    return world.person("somying"), world.person("somchai"), world.person("john")


def test_root_alone_is_a_chain_of_one(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, _, _ = people
    result = run(world, [root_poa(world, acct)], acct.did)
    assert result.ok and len(result.links) == 1 and result.root.is_root


def test_narrower_sub_delegation_holds(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, clerk, _ = people
    root = root_poa(world, acct, acts=("tax_filing", "vat_filing"), max_value_thb=1_000_000, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root), max_value_thb=50_000, valid_until=world.iso(30))
    result = run(world, [child, root], clerk.did)  # order of presentation does not matter
    assert result.ok, result.problems
    assert [d.id for d in result.links] == [root["id"], child["id"]]


def test_leaf_scope_is_enforced(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, clerk, _ = people
    root = root_poa(world, acct, max_value_thb=1_000_000, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root), max_value_thb=50_000)
    assert run(world, [root, child], clerk.did, value_thb=60_000).problems[0].code == "delegation.scope_exceeded"
    assert run(world, [root, child], clerk.did, act="customs").problems[0].code == "delegation.scope_exceeded"
    assert run(world, [root, child], clerk.did, value_thb=None).problems[0].code == "delegation.scope_exceeded"


def test_sub_delegation_needs_permission(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, clerk, _ = people
    root = root_poa(world, acct)  # depth 0: no sub-delegation
    child = poa(world, clerk, [acct.key], parent=parsed(root))
    assert run(world, [root, child], clerk.did).problems[0].code == "delegation.not_attenuated"


def test_unknown_parent_and_missing_leaf(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, clerk, other = people
    root = root_poa(world, acct, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], parent=parsed(root))
    assert run(world, [child], clerk.did).problems[0].code == "delegation.chain_invalid"
    assert run(world, [root], other.did).problems[0].code == "delegation.broken_link"


def test_missing_status_checker_is_indeterminate(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, _, _ = people
    result = run(world, [root_poa(world, acct, status=True)], acct.did, status=False)
    assert result.indeterminate and not result.ok
    assert result.problems[0].code == "status.not_checked"


def test_another_company_is_a_broken_link(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, _, _ = people
    doc = poa(world, acct, [world.person("somsak").key], grantor_id="0995545000021")
    assert run(world, [doc], acct.did).problems[0].code == "delegation.broken_link"


@settings(max_examples=25, deadline=None)
@given(parent_acts=st.sets(st.sampled_from(ACTS), min_size=1), child_acts=st.sets(st.sampled_from(ACTS), min_size=1),
       parent_cap=st.one_of(st.none(), st.integers(0, 10**7)), child_cap=st.one_of(st.none(), st.integers(0, 10**7)))
def test_attenuation_property(parent_acts: set[str], child_acts: set[str], parent_cap: int | None,
                              child_cap: int | None) -> None:
    """A child is accepted exactly when its acts are a subset and its cap no wider than its parent's."""
    world = World()
    acct, clerk = world.person("somying"), world.person("somchai")
    root = root_poa(world, acct, acts=tuple(sorted(parent_acts)), max_value_thb=parent_cap, sub_delegation_depth=1)
    child = poa(world, clerk, [acct.key], acts=tuple(sorted(child_acts)), parent=parsed(root), max_value_thb=child_cap)
    act = sorted(child_acts)[0]
    result = run(world, [root, child], clerk.did, act=act, value_thb=0)
    narrower = child_acts <= parent_acts and (parent_cap is None or (child_cap is not None and child_cap <= parent_cap))
    if narrower:
        assert result.ok, result.problems
    else:
        assert result.problems[0].code == "delegation.not_attenuated"


def test_unsigned_root_has_no_quorum(world: World, people: tuple[Any, Any, Any]) -> None:
    acct, _, _ = people
    link = parsed(poa(world, acct, []))
    result = check_chain([link], {}, ChainQuestion(acct.did, DEMO_COMPANY, "tax_filing", 1),
                          now=world.clock.now())
    assert result.problems[0].code == "delegation.quorum_not_met"
