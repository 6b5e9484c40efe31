"""Group L (2026 review), item 7: one work budget per request, not per step.

45 KB of unauthenticated input — copies of one proof chained over a body of blank nodes — cost a
verifier 88 s of CPU: every chained proof converts and canonicalises the whole body again, every
proof of a set is verified even after one failed, and pyld compares each value of a property with
every other one. Each case below is under the 64 KiB size cap and is refused, or verified, within
one :class:`~thaivc.core.budget.WorkBudget`. The budget is asserted by *counting* (units charged, and
pyld's comparisons and RDFC work counted by independent spies), never by timing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from pyld.jsonld import JsonLdProcessor

from thaivc import Holder, Verifier
from thaivc.core.budget import DEFAULT_BUDGET, WorkBudget, request_budget
from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError
from thaivc.core.report import VerificationReport
from thaivc.di import add_proof, verify_proofs
from thaivc.di.canon import rdfc
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

NOW = "2026-06-01T00:00:00Z"
V2 = "https://www.w3.org/ns/credentials/v2"
LINK = "https://example.org/link"
MEMBER = "https://example.org/member"
CAP = 64 * 1024
CLOCK = FixedClock.at(NOW)


@pytest.fixture(scope="module")
def attacker() -> PrivateKey:
    """The attacker signs with its own did:key: every signature below is genuine."""
    return seeded_key("l-budget-attacker")


def credential(issuer: str, subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


def ring(size: int) -> dict[str, Any]:
    """Blank nodes in a ring: all share one first-degree hash, so RDFC must search (≈7·size² units)."""
    nodes = [{"@id": f"_:n{i}", LINK: {"@id": f"_:n{(i + 1) % size}"}} for i in range(size)]
    return {MEMBER: nodes}


def clique(size: int) -> dict[str, Any]:
    """Blank nodes all linked to each other: RDFC work grows factorially (6 nodes pass the per-call limit)."""
    nodes = [
        {"@id": f"_:c{i}", LINK: [{"@id": f"_:c{j}"} for j in range(size) if j != i]} for i in range(size)
    ]
    return {MEMBER: nodes}


def dummy_proof(key: PrivateKey, **extra: Any) -> dict[str, Any]:
    """A well-formed proof whose signature is never reached or never matches."""
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": key.kid,
        "proofPurpose": "assertionMethod",
        "created": "2026-01-01T00:00:00Z",
        "proofValue": "z" + "1" * 64,
        **extra,
    }


def chained(
    key: PrivateKey,
    subject: dict[str, Any],
    count: int,
    *,
    name_all: bool = False,
    ids: str = "urn:p:",
    **fields: Any,
) -> dict[str, Any]:
    """``count`` genuine proofs, each naming the one before it (or, ``name_all``, every one before it)."""
    doc = add_proof({**credential(key.did, subject), **fields}, key, proof_id=f"{ids}0", clock=CLOCK)
    for i in range(1, count):
        previous: str | list[str] = [f"{ids}{j}" for j in range(i)] if name_all else f"{ids}{i - 1}"
        doc = add_proof(doc, key, proof_id=f"{ids}{i}", previous_proof=previous, clock=CLOCK)
    return doc


def wire(doc: dict[str, Any]) -> str:
    text = json.dumps(doc, ensure_ascii=False)
    assert len(text.encode("utf-8")) < CAP, "every hostile input here is under the size cap"
    return text


class Spies:
    """Independent counts of the work that matters: pyld value comparisons and RDFC units done."""

    def __init__(self) -> None:
        self.comparisons = 0
        self.rdfc_work = 0
        self.rdfc_calls = 0

    def reset(self) -> None:
        """Forget the work of building the input (signing converts and canonicalises too)."""
        self.comparisons = self.rdfc_work = self.rdfc_calls = 0


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spies]:
    counts = Spies()
    compare = JsonLdProcessor.compare_values

    def counted_compare(v1: Any, v2: Any) -> Any:
        counts.comparisons += 1
        return compare(v1, v2)

    spend = rdfc._State.spend

    def counted_spend(self: Any, units: int = 1) -> None:
        counts.rdfc_work += units
        spend(self, units)

    init = rdfc._State.__init__

    def counted_init(self: Any, *args: Any, **kwargs: Any) -> None:
        counts.rdfc_calls += 1
        init(self, *args, **kwargs)

    monkeypatch.setattr(JsonLdProcessor, "compare_values", staticmethod(counted_compare))
    monkeypatch.setattr(rdfc._State, "spend", counted_spend)
    monkeypatch.setattr(rdfc._State, "__init__", counted_init)
    yield counts


def check(item: Any, verifier: Verifier | None = None, **kwargs: Any) -> tuple[VerificationReport, WorkBudget]:
    """Verify under a budget the test can read back (``check()`` joins a request already under way)."""
    with request_budget() as budget:
        report = (verifier or Verifier(clock=CLOCK)).check(item, **kwargs)
    return report, budget


def assert_refused(report: VerificationReport, code: str) -> None:
    assert report.status == "failed", report.to_json()
    assert code in report.codes, report.codes
    assert "internal.error" not in report.codes


def assert_within_budget(budget: WorkBudget, spies: Spies) -> None:
    """The work actually done (counted by the spies) never exceeds the request's budget."""
    assert spies.comparisons <= budget.limit
    assert spies.rdfc_work <= budget.limit
    assert spies.comparisons + spies.rdfc_work <= budget.limit


# -- the review's input: copies of one proof chained over blank nodes ------------------------------


@pytest.mark.parametrize("name_all", [False, True], ids=["each-names-the-previous", "each-names-all-before"])
def test_l07_chained_copies_over_blank_nodes(attacker: PrivateKey, spies: Spies, name_all: bool) -> None:
    """32 genuine chained proofs: the chain is capped, and the proofs before the cap fit the budget."""
    doc = chained(attacker, ring(24), 32, name_all=name_all)
    spies.reset()
    report, budget = check(wire(doc))
    assert_refused(report, "input.too_large")
    assert report.check("proof[8]").status == "pass"  # type: ignore[union-attr]
    assert report.check("proof[9]").code == "input.too_large"  # type: ignore[union-attr]
    assert report.check("proof[10]").code == "input.too_large"  # type: ignore[union-attr]
    assert spies.rdfc_calls <= 2 * 9  # proof configuration and chain document, for proofs 0..8 at most
    assert_within_budget(budget, spies)


def test_l07_chain_cap_also_holds_for_verify_proofs(attacker: PrivateKey) -> None:
    """The public :func:`verify_proofs` has the same cap and the same budget as ``check()``."""
    doc = chained(attacker, ring(8), 12)
    result = verify_proofs(doc, clock=CLOCK)
    assert not result.verified
    assert result.proofs[9].code == "input.too_large"
    assert [p.code for p in result.proofs[10:]] == ["input.too_large"] * 2  # cheap checks still run


def test_l07_a_chain_at_the_cap_verifies(attacker: PrivateKey, spies: Spies) -> None:
    """Nine chained proofs (the last reaching the cap of eight) verify, with most of the budget left."""
    doc = chained(attacker, {"id": "did:example:somchai", "name": "สมชาย"}, 9)
    report, budget = check(wire(doc))
    assert report.ok, report.to_json()
    assert budget.spent < DEFAULT_BUDGET // 10


@pytest.mark.parametrize("claims", [100, 1500])
def test_l07_a_large_honest_credential_with_three_proofs_fits(attacker: PrivateKey, claims: int) -> None:
    """A credential near the size cap, secured by a set and a chain, verifies within the budget."""
    subject: dict[str, Any] = {"id": "did:example:somchai"}
    subject.update({f"claim{i:04d}": f"ค่าที่ {i}" for i in range(claims)})
    doc = credential(attacker.did, subject)
    doc["@context"] = [V2, "https://www.w3.org/ns/credentials/examples/v2"]
    doc = add_proof(doc, attacker, proof_id="urn:p:a", clock=CLOCK)
    doc = add_proof(doc, attacker, "eddsa-jcs-2022", proof_id="urn:p:b", clock=CLOCK)
    doc = add_proof(doc, attacker, proof_id="urn:p:c", previous_proof="urn:p:a", clock=CLOCK)
    report, budget = check(wire(doc))
    assert report.ok, report.to_json()
    assert budget.spent < DEFAULT_BUDGET // 2


# -- stop at the first proof that decides the verdict ---------------------------------------------


@pytest.mark.parametrize("body", ["clique-over-the-rdfc-limit", "bad-signatures"])
def test_l07_a_failed_proof_ends_the_set(attacker: PrivateKey, spies: Spies, body: str) -> None:
    """32 proofs over one body: the first failure is decisive, the other 31 are not verified."""
    subject = clique(6) if body.startswith("clique") else ring(24)
    doc = credential(attacker.did, subject)
    doc["proof"] = [dummy_proof(attacker, nonce=str(i)) for i in range(32)]
    report, budget = check(wire(doc))
    code = "di.canonicalization_limit" if body.startswith("clique") else "di.proof_invalid"
    assert_refused(report, code)
    assert report.check("proof[0]").status == "fail"  # type: ignore[union-attr]
    assert all(report.check(f"proof[{i}]").status == "skip" for i in range(1, 32))  # type: ignore[union-attr]
    assert spies.rdfc_calls <= 2
    assert spies.rdfc_work <= rdfc.DEFAULT_MAX_WORK + 1  # the unit that crossed the limit
    assert_within_budget(budget, spies)


# -- pyld's quadratic value de-duplication --------------------------------------------------------


@pytest.mark.parametrize("shape", ["one-long-array", "one-node-many-objects", "blank-node-references"])
def test_l07_quadratic_jsonld_is_refused_within_budget(attacker: PrivateKey, spies: Spies, shape: str) -> None:
    """Thousands of values on one property: pyld would compare each with all others (n²/2)."""
    if shape == "one-long-array":
        subject: dict[str, Any] = {LINK: [f"v{i}" for i in range(5000)]}
    elif shape == "one-node-many-objects":  # one @id repeated: pyld merges them into one node
        subject = {MEMBER: [{"@id": "urn:x:1", LINK: f"v{i}"} for i in range(900)]}
    else:
        subject = {LINK: [{"@id": f"_:b{i}"} for i in range(2500)]}
    doc = credential(attacker.did, subject)
    doc["proof"] = dummy_proof(attacker)
    report, budget = check(wire(doc))
    assert_refused(report, "di.canonicalization_limit")
    assert_within_budget(budget, spies)


def test_l07_quadratic_jsonld_inside_a_chain_document(attacker: PrivateKey, spies: Spies) -> None:
    """The same values put in a *previous proof*, which only the chain document carries."""
    doc = credential(attacker.did, {"id": "did:example:somchai"})
    first = dummy_proof(attacker, id="urn:p:0", **{LINK: [f"v{i}" for i in range(3000)]})
    doc["proof"] = [first, dummy_proof(attacker, id="urn:p:1", previousProof="urn:p:0")]
    report, budget = check(wire(doc))
    assert report.status == "failed"
    assert "internal.error" not in report.codes
    assert_within_budget(budget, spies)


# -- one budget for the whole request, nested credentials included --------------------------------


def test_l07_presentation_of_costly_credentials_is_refused_at_its_own_proof(
    attacker: PrivateKey, spies: Spies
) -> None:
    """Sixteen credentials that each fit a budget of their own, converted together with the presentation."""
    inner = credential(attacker.did, {LINK: [f"v{i}" for i in range(400)]})
    inner["proof"] = dummy_proof(attacker)
    vp = Holder(attacker, clock=CLOCK).presentation([inner] * 16)
    vp["proof"] = dummy_proof(attacker, proofPurpose="authentication", challenge="c-1", domain="d")
    report, budget = check(wire(vp), challenge="c-1", domain="d")
    assert_refused(report, "di.canonicalization_limit")
    assert report.check("proof[0]").code == "di.canonicalization_limit"  # type: ignore[union-attr]
    assert_within_budget(budget, spies)


def test_l07_nested_credentials_share_the_presentations_budget(attacker: PrivateKey, spies: Spies) -> None:
    """The nested checks of a presentation's credentials spend from the presentation's one budget.

    Six chained credentials: a ceiling that each of them fits on its own, but that the presentation
    and its credentials together pass, refuses the request inside a nested check.
    """
    inners = [
        chained(attacker, {"id": attacker.did, LINK: [f"v{n}-{i}" for i in range(200)]}, 5, ids=f"urn:c{n}:", id=f"urn:vc:{n}")
        for n in range(6)
    ]
    alone = []
    for inner in inners:
        report, own = check(inner)
        assert report.ok, report.to_json()
        alone.append(own.spent)
    vp = add_proof(
        Holder(attacker, clock=CLOCK).presentation(inners),
        attacker,
        proof_purpose="authentication",
        challenge="c-2",
        domain="d",
        clock=CLOCK,
    )
    verifier = Verifier(clock=CLOCK)
    whole, total = check(wire(vp), verifier, challenge="c-2", domain="d")
    assert whole.ok, whole.to_json()
    assert total.spent > sum(alone)  # every nested check was paid from the request's budget
    ceiling = total.spent - min(alone) // 2
    assert max(alone) < ceiling
    spies.reset()
    with request_budget(limit=ceiling) as budget:
        report = Verifier(clock=CLOCK).check(wire(vp), challenge="c-2", domain="d")
    assert report.status == "failed"
    nested = [code for child in report.children for code in child.codes]
    assert "di.canonicalization_limit" in nested, report.to_json()
    assert_within_budget(budget, spies)


def test_l07_jcs_serialisation_is_paid_from_the_budget(attacker: PrivateKey) -> None:
    """JCS proofs whose @context differs from the document's re-serialise it for each proof: counted.

    Such a document verifies only where the policy allows the spec's context extension, so the
    attack is made there.
    """
    examples = "https://www.w3.org/ns/credentials/examples/v2"
    doc = credential(attacker.did, {"id": "did:example:somchai", "note": ["x" * 8] * 3000})
    doc["@context"] = [V2, examples]
    proof = dummy_proof(attacker, cryptosuite="eddsa-jcs-2022")
    proof["@context"] = [V2]
    doc["proof"] = [dict(proof, nonce=str(i)) for i in range(32)]
    with request_budget(limit=1_500) as budget:
        result = verify_proofs(doc, clock=CLOCK, expected_controller=attacker.did, allow_context_extension=True)
    assert not result.verified
    assert result.proofs[0].code == "di.canonicalization_limit"
    assert "JSON canonicalisation" in result.proofs[0].detail
    assert {p.status for p in result.proofs[1:]} == {"skipped"}
    assert budget.remaining == 0


# -- the budget object ----------------------------------------------------------------------------


def test_l07_budget_is_counted_and_nested_requests_share_it() -> None:
    with request_budget(limit=10) as outer:
        with request_budget(limit=1_000_000) as inner:
            assert inner is outer  # a nested check() cannot open a fresh budget
        outer.spend(10, "ten units")
        with pytest.raises(InputError) as info:
            outer.spend(1, "one more")
    assert info.value.code == "di.canonicalization_limit"
    assert outer.remaining == 0


def test_l07_budget_exhaustion_is_a_failure_not_a_crash(attacker: PrivateKey) -> None:
    """A tiny budget refuses even an honest credential, with the stable code and status failed."""
    doc = add_proof(credential(attacker.did, {"id": "did:example:somchai"}), attacker, clock=CLOCK)
    with request_budget(limit=50):
        report = Verifier(clock=CLOCK).check(doc)
    assert_refused(report, "di.canonicalization_limit")
