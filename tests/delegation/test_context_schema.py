"""The delegation JSON-LD context and JSON Schema: pinned, offline, and covering every field."""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from thaivc.authorization.scenario import World
from thaivc.contexts import ContextRegistry
from thaivc.contexts._bundled import DELEGATION_V1, OWN
from thaivc.core.errors import ThaiVCError
from thaivc.delegation import DELEGATION_CONTEXT, sign_as_director
from thaivc.model.jsonld import require_jsonld

from ._helpers import root_poa

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "delegation-credential.json"


def test_context_is_pinned_and_registered() -> None:
    assert DELEGATION_CONTEXT == DELEGATION_V1
    entry = OWN[DELEGATION_V1]
    raw = resources.files("thaivc.contexts").joinpath("data", entry.path).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == entry.sha256
    assert DELEGATION_V1 in ContextRegistry.default()


def _full(world: World) -> dict[str, Any]:
    acct = world.person("somying")
    return root_poa(world, acct, acts=("tax_filing", "vat_filing"), max_value_thb=10, description_th="ยื่นภาษี",
                    sub_delegation_depth=2, status=True)


def test_every_delegation_term_expands(world: World) -> None:
    """No term is silently dropped by JSON-LD expansion (an undefined term is an error)."""
    require_jsonld(_full(world), ContextRegistry.default())


def test_an_unknown_term_is_refused(world: World) -> None:
    doc = _full(world)
    doc["credentialSubject"]["scope"]["unlimited"] = True
    with pytest.raises(ThaiVCError):
        require_jsonld(doc, ContextRegistry.default())


def test_schema_accepts_what_the_builder_makes(world: World) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc = _full(world)
    jsonschema.validate(doc, schema)
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    jsonschema.validate(unsigned, schema)
    jsonschema.validate(sign_as_director(unsigned, world.person("somsak").key), schema)


@pytest.mark.parametrize("mutate", [
    lambda s: s.pop("grantor"),
    lambda s: s["scope"].update(acts=[]),
    lambda s: s.update(stampDutyClass="8"),
    lambda s: s["subDelegation"].update(maxDepth=11),
    lambda s: s.update(attorneyPassport="AA123456"),
    lambda s: s["grantor"].update(juristicId="123"),
    lambda s: s.update(extra=1),
])
def test_schema_rejects_malformed_subjects(world: World, mutate: Any) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    doc = copy.deepcopy(_full(world))
    mutate(doc["credentialSubject"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
