"""The hand-inlined hot paths of SD-JWT verification answer exactly as the general code they replace."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import UsageError
from thaivc.sdjwt._hashing import b64_digest, b64_digest_of_ascii
from thaivc.sdjwt._pointer import format_pointer
from thaivc.sdjwt._verify import _check_arguments, _path_key, _sorted_paths

_B64URL = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.", max_size=200)


@given(_B64URL, st.sampled_from([hashlib.sha256, hashlib.sha384, hashlib.sha512]))
def test_digest_encoding_matches_b64url_encode(text: str, hasher: object) -> None:
    assert callable(hasher)
    expected = b64url_encode(hasher(text.encode("ascii")).digest())
    assert b64_digest(hasher, text) == expected
    assert b64_digest_of_ascii(hasher, text.encode("ascii")) == expected


_NAMES = st.text(alphabet="ab~/ก", max_size=4)
_PATHS = st.lists(st.one_of(_NAMES, st.integers(min_value=0, max_value=12)), max_size=4).map(tuple)


def _reference_pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + (str(p) if isinstance(p, int) else p.replace("~", "~0").replace("/", "~1")) for p in path)


@given(_PATHS)
def test_format_pointer_matches_the_reference_escaping(path: tuple[str | int, ...]) -> None:
    assert format_pointer(path) == _reference_pointer(path)


_TREES = st.recursive(
    st.none(),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_NAMES, inner, max_size=4)),
    max_leaves=20,
)


def _all_paths(node: object, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _all_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _all_paths(value, (*path, index))
    return out


@given(_TREES, st.randoms(use_true_random=False))
def test_paths_of_one_document_sort_as_the_keyed_order(tree: object, rnd: random.Random) -> None:
    paths = _all_paths(tree)
    rnd.shuffle(paths)
    assert _sorted_paths(list(paths)) == sorted(paths, key=_path_key)


def test_mixed_kinds_after_one_prefix_fall_back_to_the_keyed_order() -> None:
    paths: list[tuple[str | int, ...]] = [("a", "x"), ("a", 2), ("a", 10), ("a",)]
    assert _sorted_paths(paths) == [("a",), ("a", 2), ("a", 10), ("a", "x")]


@pytest.mark.parametrize(
    "accepted",
    [frozenset({"dc+sd-jwt", "vc+jwt"}), {"dc+sd-jwt", "Bad"}, frozenset({"dc+sd-jwt", 3}), frozenset(), None],
)
def test_accepted_typ_refused_every_time_whatever_its_type(accepted: object) -> None:
    for _ in range(2):  # the second answer may come from the memo and must be the same refusal
        with pytest.raises(UsageError) as caught:
            _check_arguments(accepted, 0, 300)  # type: ignore[arg-type]
        assert caught.value.code == "usage.invalid_argument"


def test_accepted_typ_admitted_as_frozenset_or_set() -> None:
    _check_arguments(frozenset({"dc+sd-jwt", "example+sd-jwt"}), 0, 300)
    _check_arguments({"dc+sd-jwt"}, 0, 300)  # type: ignore[arg-type]
