"""Thai text: NFC for issuers, forbidden invisible characters, and a comparison fold.

Three separate jobs, kept apart on purpose (docs/security.md group J):

* signed text is never normalised by a verifier: nothing here is called before a signature check;
* issuers normalise to NFC *before* signing (:func:`normalize_text_nfc`) and refuse zero-width and
  bidi controls (:func:`require_text`), so a credential never carries invisible tricks;
* after verification, names typed in different ways are compared on :func:`name_comparison_key`,
  a fold that fixes the Thai typing variants NFC leaves alone (``ํา`` vs ``ำ``, tone typed before an
  above-vowel, doubled marks). NFKC is never used: it decomposes ``ำ`` and breaks Thai.

The mark reordering is hand-written: PyThaiNLP's ``normalize`` covers it but is a heavy dependency
for a dozen lines.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from typing_extensions import deprecated

from thaivc.core.errors import InputError

__all__ = [
    "FORBIDDEN_CHARS",
    "name_comparison_key",
    "normalize_text_nfc",
    "require_text",
]

#: Zero-width and bidi controls refused in names and identifiers (docs/security.md group J).
FORBIDDEN_CHARS: Final = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff"]
)

#: Invisible characters the comparison fold drops (typing and copy-paste debris).
_FOLD_DROP: Final = frozenset(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])

_NIKHAHIT: Final = "\u0e4d"
_SARA_AA: Final = "\u0e32"
_SARA_AM: Final = "\u0e33"

#: Rank of each Thai combining mark in the canonical cluster order used by the fold:
#: below vowels, then above vowels, then nikhahit, then tone marks, then the other signs.
_MARK_RANK: Final = {
    "\u0e38": 0, "\u0e39": 0, "\u0e3a": 0,
    "\u0e31": 1, "\u0e34": 1, "\u0e35": 1, "\u0e36": 1, "\u0e37": 1, "\u0e47": 1,
    "\u0e4d": 2,
    "\u0e48": 3, "\u0e49": 3, "\u0e4a": 3, "\u0e4b": 3,
    "\u0e4c": 4, "\u0e4e": 4,
}


def require_text(s: str, *, loc: tuple[str | int, ...] = ()) -> str:
    """Return ``s`` unchanged, or raise ``text.forbidden_char`` if it holds a zero-width or bidi control."""
    if not isinstance(s, str):
        raise InputError("text.forbidden_char", "text must be a string", loc=loc)
    for index, ch in enumerate(s):
        if ch in FORBIDDEN_CHARS:
            raise InputError(
                "text.forbidden_char", f"U+{ord(ch):04X} at position {index} is not allowed", loc=loc
            )
    return s


def normalize_text_nfc(s: str, *, loc: tuple[str | int, ...] = ()) -> str:
    """What an issuer stores and signs: ``s`` checked by :func:`require_text`, then NFC."""
    return unicodedata.normalize("NFC", require_text(s, loc=loc))


def _fold_clusters(s: str) -> str:
    """Reorder each run of Thai marks, drop duplicates and rebuild ``ำ`` from ``ํ`` + ``า``."""
    out: list[str] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch not in _MARK_RANK:
            out.append(ch)
            i += 1
            continue
        j = i
        while j < n and s[j] in _MARK_RANK:
            j += 1
        marks = list(dict.fromkeys(s[i:j]))  # drop duplicates, keep first occurrence
        if _NIKHAHIT in marks and j < n and s[j] == _SARA_AA:
            marks.remove(_NIKHAHIT)
            marks.sort(key=_MARK_RANK.__getitem__)
            out.extend(marks)
            out.append(_SARA_AM)
            i = j + 1
            continue
        marks.sort(key=_MARK_RANK.__getitem__)
        out.extend(marks)
        i = j
    return "".join(out)


def name_comparison_key(s: str) -> str:
    """A key for *matching* names, never for display or signing.

    NFC → drop invisible characters → ``ํา`` → ``ำ`` with marks reordered into one canonical cluster
    order and duplicates removed → whitespace collapsed → Latin case folded. Two strings with the
    same key look the same to a reader of Thai.
    """
    text = unicodedata.normalize("NFC", s)
    text = "".join(ch for ch in text if ch not in _FOLD_DROP)
    text = _fold_clusters(text)
    text = " ".join(text.split())
    # The fold's cluster order can put a mark before one of lower canonical combining class
    # (e.g. U+0E38 before U+0E3A); a final NFC makes the key a fixed point of the fold.
    return unicodedata.normalize("NFC", text.casefold())


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_text is now require_text (docs/architecture.md, Verbs)")
def check_text(s: str, *, loc: tuple[str | int, ...] = ()) -> str:
    """Deprecated: the old name of :func:`require_text`, which raises on what it refuses."""
    return require_text(s, loc=loc)
