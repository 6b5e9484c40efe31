"""The demo tells the whole story and returns 0 only when every step behaved."""

from __future__ import annotations

import io

from thaivc.demo import run_authority_story, run_demo


def test_demo_runs_and_tells_the_key_steps() -> None:
    out = io.StringIO()
    assert run_demo(out) == 0
    text = out.getvalue()
    assert "forgery, replay and misdirection were refused" in text
    assert "Decision: ALLOWED" in text
    for code in ("delegation.quorum_not_met", "delegation.scope_exceeded", "delegation.chain_invalid",
                 "authority.entity_inactive"):
        assert f"Decision: REFUSED [{code}]" in text
    assert "link 1 has expired" in text and "link 1 is revoked" in text
    assert "บริษัท สยามบัญชี จำกัด" in text and "All steps behaved as expected." in text


def test_authority_story_reports_success() -> None:
    out = io.StringIO()
    assert run_authority_story(out) is True
    assert out.getvalue().count("Decision: REFUSED") == 5
