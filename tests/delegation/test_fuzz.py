"""Hostile input never escapes as an exception: it is refused with a code."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.core.errors import InputError
from thaivc.delegation import parse_delegation

from ._helpers import RD, root_poa

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)

WORLD = World()
ACCT = WORLD.person("somying")
DOC = root_poa(WORLD, ACCT)
PATHS: list[tuple[str, ...]] = [
    ("credentialSubject",), ("credentialSubject", "scope"), ("credentialSubject", "scope", "acts"),
    ("credentialSubject", "grantor"), ("credentialSubject", "subDelegation"), ("credentialSubject", "parent"),
    ("issuer",), ("validUntil",), ("type",), ("id",),
]


def _replace(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@settings(max_examples=150, deadline=None)
@given(path=st.sampled_from(PATHS), value=json_values)
def test_parse_delegation_fails_only_with_input_error(path: tuple[str, ...], value: Any) -> None:
    try:
        parse_delegation(_replace(DOC, path, value))
    except InputError as err:
        assert err.code.startswith(("schema.", "time.", "vc."))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_authorize_refuses_tampered_delegations(path: tuple[str, ...], value: Any) -> None:
    doc = _replace(DOC, path, value)
    vp_payload = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                  "holder": ACCT.did, "verifiableCredential": [doc]}
    for presentation in (doc, vp_payload, str(value), [doc, doc]):
        decision = WORLD.verifier().authorize(presentation, act="tax_filing", on_behalf_of=DEMO_COMPANY,
                                              challenge="c", domain=RD, policy=WORLD.policy(), value_thb=1)
        assert not decision.allowed and decision.code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=json_values)
def test_authorize_survives_hostile_content_signed_by_the_directors(path: tuple[str, ...], value: Any) -> None:
    """Even validly signed nonsense reaches every check without raising."""
    from thaivc.delegation import DiProofSuite
    from thaivc.engine.challenge import new_challenge

    from ._helpers import attachments

    suite = DiProofSuite(clock=WORLD.clock)
    doc = _replace({k: v for k, v in DOC.items() if k != "proof"}, path, value)
    for who in ("somsak", "piyanuch"):
        doc = suite.add(doc, WORLD.person(who).key)
    challenge = new_challenge()
    vp = WORLD.present(ACCT, [ACCT.credential, *attachments(WORLD), doc], challenge=challenge, domain=RD)
    decision = WORLD.verifier().authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge,
                                          domain=RD, policy=WORLD.policy(), value_thb=1)
    assert decision.outcome in ("allowed", "refused", "indeterminate")
    if path[-1] in ("grantor", "scope", "acts", "type", "issuer") and decision.allowed:
        assert parse_delegation(doc)  # allowed only if the mutated document is still a valid delegation
