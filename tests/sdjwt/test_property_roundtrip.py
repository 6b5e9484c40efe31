"""Model-based property: for any claims, any disclosable set and any selection, the verifier sees
exactly the claims the holder chose (and their enclosing objects), nothing more, nothing less."""

from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.sdjwt import issue_sd_jwt, present_sd_jwt, verify_sd_jwt
from thaivc.sdjwt._pointer import format_pointer

from .conftest import ISS, NOW, VCT, SeededRandom, TestSigner, TestVerifier

_NAMES = st.sampled_from(["a", "b", "ชื่อ", "x/y", "m~n", "เลข", "z"])
#: Issuers normalise Thai (and any) text to NFC before signing, so generated text is NFC too.
_LEAVES = st.one_of(
    st.text(max_size=8).map(lambda t: unicodedata.normalize("NFC", t)),
    st.integers(-(2**40), 2**40),
    st.booleans(),
    st.none(),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_NAMES, inner, max_size=3)),
    max_leaves=12,
)
_CLAIMS = st.dictionaries(_NAMES, _VALUES, min_size=1, max_size=4)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _expected(node: Any, path: tuple[Any, ...], sd: set[tuple[Any, ...]], shown: set[tuple[Any, ...]]) -> Any:
    """The claims as the verifier must see them: SD members kept only when revealed."""
    if isinstance(node, dict):
        return {
            k: _expected(v, (*path, k), sd, shown)
            for k, v in node.items()
            if (*path, k) not in sd or (*path, k) in shown
        }
    if isinstance(node, list):
        return [
            _expected(v, (*path, i), sd, shown)
            for i, v in enumerate(node)
            if (*path, i) not in sd or (*path, i) in shown
        ]
    return node


@settings(max_examples=150, deadline=None)
@given(claims=_CLAIMS, data=st.data())
def test_verifier_sees_exactly_the_selection(issuer: TestSigner, claims: dict[str, Any], data: st.DataObject) -> None:
    all_paths = _paths(claims)
    sd = set(data.draw(st.lists(st.sampled_from(all_paths), unique=True) if all_paths else st.just([])))
    chosen = data.draw(st.lists(st.sampled_from(all_paths), unique=True, max_size=4) if all_paths else st.just([]))
    # what gets revealed: every SD path that is a prefix of (or equal to) a chosen path
    shown = {p for p in sd if any(c[: len(p)] == p for c in chosen)}

    full = {"iss": ISS, "vct": VCT, **claims}
    sd_jwt = issue_sd_jwt(
        full,
        disclosable=[format_pointer(p) for p in sd],
        signer=issuer,
        decoys=data.draw(st.integers(0, 3)),
        rng=SeededRandom(data.draw(st.integers(0, 2**32))),
    )
    # the holder addresses claims in the full credential's coordinates
    vp = present_sd_jwt(sd_jwt, disclose=[format_pointer(p) for p in chosen])
    verifier = TestVerifier(issuer.key.public_key())
    result = verify_sd_jwt(vp, issuer_key_resolver=lambda h, p: verifier, now=NOW, require_kb=False)

    assert result.payload == {"iss": ISS, "vct": VCT, **_expected(claims, (), sd, shown)}
    assert len(result.disclosed) == len(shown)
    assert vp.count("~") - 1 == len(shown)
