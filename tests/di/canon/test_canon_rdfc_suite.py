"""The complete W3C RDFC-1.0 test suite (``tests/vectors/rdf-canon/manifest.jsonld``), every entry.

* ``rdfc:RDFC10EvalTest`` — canonical N-Quads must equal the expected file byte for byte;
* ``rdfc:RDFC10MapTest`` — the issued identifiers map must equal the expected JSON, and its keys
  must be exactly the blank nodes of the input;
* ``rdfc:RDFC10NegativeEvalTest`` — a "poisoned" dataset must be refused with
  ``di.canonicalization_limit`` under the *default* work limit.

``rdfc:hashAlgorithm`` selects SHA-384 where the manifest says so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.errors import InputError
from thaivc.di.canon.nquads import parse_nquads
from thaivc.di.canon.rdfc import DEFAULT_MAX_WORK, HashName, canonicalize

SUITE = Path(__file__).parents[2] / "vectors" / "rdf-canon"
MANIFEST: dict[str, Any] = json.loads((SUITE / "manifest.jsonld").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["entries"]
KNOWN_TYPES = {"rdfc:RDFC10EvalTest", "rdfc:RDFC10MapTest", "rdfc:RDFC10NegativeEvalTest"}


def _hash_name(entry: dict[str, Any]) -> HashName:
    name = entry.get("hashAlgorithm", "SHA256")
    if name == "SHA256":
        return "sha256"
    assert name == "SHA384", f"unexpected hash algorithm {name}"
    return "sha384"


def _read(relative: str) -> str:
    return (SUITE / relative).read_bytes().decode("utf-8")


def test_manifest_is_complete() -> None:
    # Guards the parametrisation below: every entry is a known kind and none is left out.
    assert len(ENTRIES) == 86
    assert {entry["type"] for entry in ENTRIES} == KNOWN_TYPES
    assert sum(1 for entry in ENTRIES if "hashAlgorithm" in entry) == 2


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["id"].lstrip("#") for entry in ENTRIES])
def test_rdfc10(entry: dict[str, Any]) -> None:
    dataset = parse_nquads(_read(entry["action"]))
    hash_name = _hash_name(entry)
    kind = entry["type"]
    if kind == "rdfc:RDFC10NegativeEvalTest":
        with pytest.raises(InputError) as info:
            canonicalize(dataset, hash_name=hash_name)
        assert info.value.code == "di.canonicalization_limit"
        return
    result = canonicalize(dataset, hash_name=hash_name)
    assert result.work <= DEFAULT_MAX_WORK
    if kind == "rdfc:RDFC10EvalTest":
        assert result.nquads.encode("utf-8") == (SUITE / entry["result"]).read_bytes()
        assert "".join(result.lines) == result.nquads
    else:
        assert kind == "rdfc:RDFC10MapTest"
        expected = json.loads(_read(entry["result"]))
        assert dict(result.issued) == expected
        assert set(result.issued) == dataset.blank_nodes()
