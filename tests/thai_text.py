"""What "entirely Thai" means for a text a citizen is shown: no Latin letters outside ``[codes]``.

A problem code in square brackets (``[delegation.scope_exceeded]``) is a reference for whoever
handles a complaint, not a word of the sentence; everything else must be Thai, digits or punctuation.
"""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_LATIN = re.compile(r"[A-Za-z]+")


def latin_words(text: str) -> list[str]:
    """The Latin-letter runs left in ``text`` once bracketed codes are removed."""
    return _LATIN.findall(_BRACKETED.sub("", text))


def assert_thai(text: str) -> None:
    """Fail with the offending words when ``text`` is not entirely Thai."""
    assert text, "an empty Thai explanation"
    left = latin_words(text)
    assert not left, f"English in a Thai explanation: {left} in {text!r}"
