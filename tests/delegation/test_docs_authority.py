"""docs/authority.md's code runs as written: every ``python`` block, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "authority.md"


def test_authority_doc_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.DOTALL)
    assert len(blocks) == 3  # the story with the real roles, then the World-based pieces and the backend
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["answer"]["status"] == 200
    assert namespace["audit_log"][0]["allowed"] is True
    # the same backend refuses a replay of the same presentation
    again = namespace["handle_filing"](namespace["presentation"], namespace["challenge"], "0995562000018", 1)
    assert again["status"] == 403 and again["code"] == "vp.challenge_replayed"
