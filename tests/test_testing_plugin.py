"""The pytest plugin agencies use: deterministic, synthetic fixtures."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

import thaivc
from thaivc.testing.plugin import seeded_key


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_seeded_keys_are_stable_and_distinct(key_type: str) -> None:
    assert seeded_key("dopa", key_type).did == seeded_key("dopa", key_type).did
    assert seeded_key("dopa", key_type).did != seeded_key("dbd", key_type).did


def test_fixtures(thaivc_clock: thaivc.FixedClock, thaivc_fake_dopa: object, thaivc_fake_dbd: object) -> None:
    key = seeded_key("issuer")
    token = thaivc.Issuer(key, clock=thaivc_clock).issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": key.did},
        }
    )
    assert thaivc.Verifier(clock=thaivc_clock).check(token).ok
    assert thaivc_fake_dopa is not None and thaivc_fake_dbd is not None


# -- registration and the documented agency test ----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = "thaivc.testing.plugin"


def test_the_plugin_is_a_pytest11_entry_point_named_after_its_module() -> None:
    # named after the module, pytest sees one plugin whether it is autoloaded, given with -p or named in
    # pytest_plugins (under any other name, loading it twice is "Plugin already registered")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert declared["project"]["entry-points"]["pytest11"] == {PLUGIN: PLUGIN}


def _installed_entry_point() -> bool:
    return any(ep.name == PLUGIN and ep.value == PLUGIN for ep in metadata.entry_points(group="pytest11"))


def _agency_test_file() -> str:
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", page, flags=re.MULTILINE | re.DOTALL)
    agency = [block for block in blocks if "def test_" in block]
    assert len(agency) == 1, "docs/testing.md shows one agency test file"
    return str(agency[0])


@pytest.mark.parametrize("how", ["entry point", "-p"])
def test_the_documented_agency_test_passes_under_pytest(how: str, tmp_path: Path) -> None:
    if how == "entry point" and not _installed_entry_point():
        pytest.skip("this environment's thaivc was installed before the pytest11 entry point: reinstall it")
    (tmp_path / "test_rd_onboarding.py").write_text(_agency_test_file(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])])
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    if how == "-p":
        argv += ["-p", PLUGIN]
    done = subprocess.run(
        [*argv, "test_rd_onboarding.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout
