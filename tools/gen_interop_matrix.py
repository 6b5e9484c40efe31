"""Render docs/interop.md from the interop tests' matrix and the outcomes of the last test run.

The cells come from ``tests/interop/matrix.py`` (what the tests declare), the outcomes from
``interop/matrix-results.json`` (what ``tests/conftest.py`` recorded during the run), the versions
from the pins (``interop/package.json``, ``pyproject.toml``). ``make test`` runs this after the
suite; ``tests/interop/test_matrix_page.py`` checks the committed page lists exactly the declared
cells with the pinned versions. Nothing in the table is written by hand.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

from matrix import CELLS, PEERS  # noqa: E402

RESULTS = ROOT / "interop" / "matrix-results.json"
PAGE = ROOT / "docs" / "interop.md"

HEAD = """# Interoperability

thaivc is tested against other implementations in both directions: what a peer issues, signs or
presents, thaivc verifies; what thaivc issues, signs or presents, the peer verifies. Each pair is a
test in `tests/interop/`, run by `make test` against the pinned peer (npm packages in
`interop/package.json`, installed by `interop/install.sh`; the PyPI reference in the `dev` extra).
Every test also checks that a tampered input is refused on the receiving side. Without Node.js the
npm rows are skipped, and the run ends with one loud line saying so.

This table is generated from the last test run (`tools/gen_interop_matrix.py`, run by `make test`);
a test checks that it lists exactly the pairs the tests declare, with the pinned versions.

Not covered here: P-521 (`ES512`) is refused on purpose (`jose.alg_not_allowed`: `ecdsa-rdfc-2019`
defines no P-521 and the programme's profile names P-256, P-384 and Ed25519); VC 1.1 JWTs are read
only with `Policy(accept_vcdm11_jwt=True)`.

**OpenID4VC rows** run over loopback HTTP (`tests/interop/loopback.py` serves thaivc's
`handle(HttpRequest)` objects on `127.0.0.1`; the peers make their own HTTP calls, with their
"insecure URLs" switch on for plain http). For these rows "thaivc issues/signs" means thaivc's issuer
or verifier serves and the peer's wallet talks to it; "peer issues/signs" means the peer's verifier
asks and thaivc's wallet answers. What each row covers and what the peers do:

- `@openid4vc/openid4vci` wallet (`Openid4vciClient`) → thaivc issuer: offer by value and by
  reference, metadata, pre-authorized code with `tx_code`, DPoP-bound token, `c_nonce`, two
  `openid4vci-proof+jwt` proofs → two credentials, each bound to its key and verified by thaivc. The
  peer receives thaivc's refusals by their spec names: `invalid_grant` (wrong `tx_code`, replayed
  code), `invalid_nonce` (a proof nonce the issuer never gave).
- Not covered yet: the `@openid4vc/openid4vci` **issuer** (`Openid4vciIssuer`) → thaivc's wallet. The
  package's issuer is a set of request parsers and response builders, not a server; it needs a
  hand-built Node HTTP server around it, which is still to be written.
- `@openid4vc/openid4vp` wallet (`Openid4vpClient`) → thaivc verifier: the peer fetches the
  `x509_san_dns:` request object by `request_uri`, checks its signature and chain, and posts an
  encrypted `direct_post.jwt` response (A128GCM, A256GCM). The package does not build presentations,
  so the SD-JWT presentation and its KB-JWT come from `@sd-jwt/sd-jwt-vc`. thaivc refuses a KB-JWT
  for another verifier or an old nonce (`openid.presentation_invalid`), an extra credential
  (`openid.credential_unrequested`) and a replayed response (`openid.transaction_finished`).
- `@openid4vc/openid4vp` verifier (`Openid4vpVerifier`) → thaivc wallet: the peer builds and signs the
  request object (x5c). It sets the request object's `aud` to its own `request_uri` unless told
  otherwise, where OpenID4VP 1.0 §5.8 names `https://self-issued.me/v2`; thaivc's wallet accepts
  either. `Openid4vpVerifier.parseOpenid4vpAuthorizationResponse` does not use the callbacks given to
  the constructor (it fails with "Cannot read properties of undefined (reading 'decryptJwe')"); they
  must be passed again in the call. The peer decrypts, parses and, with `@sd-jwt/sd-jwt-vc`, checks
  the SD-JWT VC, its KB-JWT `nonce` and `aud`; a response fed to another request is refused.
- `openvc-core` (PyPI) has no request objects and no wallet: it verifies a `direct_post.jwt`
  response to the npm verifier's request, made by thaivc's wallet (`verify_encrypted_vp_response`:
  decryption, SD-JWT VC, KB-JWT, DCQL), and refuses it for another `client_id` or `nonce`.
"""


def pinned_version(registry: str, package: str) -> str:
    """The exact version the project pins for a peer package."""
    if registry == "npm":
        deps = json.loads((ROOT / "interop" / "package.json").read_text(encoding="utf-8"))["dependencies"]
        return str(deps[package])
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(rf'"{re.escape(package)}==([^";]+)', text)
    if match is None:
        raise SystemExit(f"{package} is not pinned with == in pyproject.toml")
    return match.group(1)


def outcome(counts: dict[str, int] | None) -> str:
    if not counts:
        return "not run"
    if counts.get("failed"):
        return f"FAILED ({counts['failed']} of {sum(counts.values())})"
    if counts.get("passed"):
        passed = counts["passed"]
        skipped = f", {counts['skipped']} skipped" if counts.get("skipped") else ""
        return f"pass ({passed} test{'' if passed == 1 else 's'}){skipped}"
    return "skipped (no Node.js)"


def render(results: dict[str, dict[str, int]]) -> str:
    lines = [HEAD, "| format | peer | pinned version | direction | last run |", "|---|---|---|---|---|"]
    for cell in CELLS:
        registry, package = PEERS[cell.peer]
        version = f"{package} {pinned_version(registry, package)} ({registry})"
        key = " | ".join(cell)
        lines.append(f"| {cell.format} | {cell.peer} | {version} | {cell.direction} | {outcome(results.get(key))} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    if not RESULTS.is_file():
        raise SystemExit(f"no {RESULTS.relative_to(ROOT)}: run the interop tests first")
    PAGE.write_text(render(json.loads(RESULTS.read_text(encoding="utf-8"))), encoding="utf-8")


if __name__ == "__main__":
    main()
