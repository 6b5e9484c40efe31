"""``thaivc demo`` part 3: the wallet protocols end to end, and data minimisation on the wire."""

from __future__ import annotations

import io
from pathlib import Path

from thaivc.core.b64 import b64url_decode
from thaivc.core.jsonutil import loads_strict
from thaivc.demo.wallet import run_wallet_story


def _disclosure_names(presentation: str) -> list[str]:
    """Decode every disclosure of an SD-JWT presentation ourselves (not through the demo's helper)."""
    segments = presentation.split("~")
    issued_jwt, disclosures, kb_jwt = segments[0], segments[1:-1], segments[-1]
    assert issued_jwt.count(".") == 2 and kb_jwt.count(".") == 2, "an SD-JWT+KB"
    names = []
    for encoded in disclosures:
        salt, name, _value = loads_strict(b64url_decode(encoded))
        assert isinstance(salt, str)
        names.append(name)
    return names


def test_part_three_discloses_only_name_and_ial(tmp_path: Path) -> None:
    out = io.StringIO()
    story = run_wallet_story(out, tmp_path / "qr")
    text = out.getvalue()
    assert story.ok, text
    # the QR codes are files: PNG and SVG, for the offer and for the presentation request
    names = sorted(p.name for p in story.files)
    assert names == ["offer.png", "offer.svg", "presentation.png", "presentation.svg"]
    for path in story.files:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG") if path.suffix == ".png" else b"<svg" in data
    # the issued credential holds the personal claims as disclosures, not plaintext
    issuer_payload = loads_strict(b64url_decode(story.credential.split("~")[0].split(".")[1]))
    subject = issuer_payload["credentialSubject"]
    assert "citizenId" not in subject and "birthDate" not in subject and subject["ial"] == "2.3"
    # what went on the wire to the Revenue Department: the two name claims, nothing else
    (presentation,) = story.vp_token["citizen"]
    disclosed = _disclosure_names(presentation)
    assert sorted(disclosed) == ["familyNameTh", "givenNameTh"]
    assert "1999900001028" not in text.split("4. At the Revenue")[1]
    assert story.result["status"] == "verified"
    accepted = story.result["dcql"]["queries"]["citizen"]["credentials"][0]["credentialSubject"]
    assert accepted == {"givenNameTh": "สมหญิง", "familyNameTh": "รักไทย", "ial": "2.3"}
