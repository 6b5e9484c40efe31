"""Regenerate docs/problem-codes.md from thaivc.core.errors.CODES (a test checks it is up to date)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from thaivc.core.errors import CODES, PROBLEM_TYPES  # noqa: E402

AREAS = {
    "input": "Input hygiene",
    "json": "Strict JSON",
    "jose": "JOSE",
    "crypto": "Signatures",
    "claims": "JWT claims",
    "vc": "Credentials (VCDM 2.0)",
    "vp": "Presentations",
    "time": "Time",
    "key": "Keys",
    "did": "DIDs",
    "net": "Network fetches",
    "di": "Data Integrity",
    "sdjwt": "SD-JWT",
    "status": "Status lists",
    "trust": "Trust",
    "schema": "Schemas",
    "text": "Text",
    "thai": "Thai identifiers",
    "assurance": "Assurance levels",
    "authority": "Signing authority",
    "delegation": "Delegation",
    "registry": "Registries (DOPA, DBD)",
    "openid": "Wallet protocols (OpenID4VCI, OpenID4VP, DCQL)",
    "service": "HTTP service (thaivc serve)",
    "config": "Service configuration",
    "batch": "Batch issuance",
    "policy": "Policy",
    "usage": "Misuse",
    "internal": "Internal",
}


def render() -> str:
    lines = [
        "# Problem codes",
        "",
        "Every problem thaivc reports has a stable `area.reason` code. Where a W3C specification defines a",
        "ProblemDetails type for the situation, the problem's `type` is that URL; otherwise `type` points",
        "here. This page is generated from `thaivc.core.errors.CODES` by `tools/gen_problem_codes.py`.",
        "",
    ]
    by_area: dict[str, list[str]] = {}
    for code in CODES:
        by_area.setdefault(code.split(".", 1)[0], []).append(code)
    for area, codes in by_area.items():
        lines += [f"## {AREAS.get(area, area)}", "", "| code | meaning | W3C type |", "|---|---|---|"]
        for code in codes:
            w3c, meaning = CODES[code]
            link = f"[`{w3c}`]({PROBLEM_TYPES[w3c]})" if w3c else ""
            lines.append(f'| <a id="{code.replace(".", "-")}"></a>`{code}` | {meaning} | {link} |')
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    (ROOT / "docs" / "problem-codes.md").write_text(render(), encoding="utf-8")
