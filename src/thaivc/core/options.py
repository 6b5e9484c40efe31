"""Keyword settings gathered as ``**options: Unpack[SomeOptions]`` (a ``TypedDict``), checked at run time.

A constructor with many settings takes them as one typed ``TypedDict`` rather than a dozen keyword
parameters passed down (docs/architecture.md, "Settings travel as objects"); mypy checks every call.
At run time Python would accept any keyword into ``**options``, so a misspelt setting (``leway=5``,
``insecur=True``) would be dropped in silence and its default used: :func:`refuse_unknown` makes
it fail as an unknown keyword argument always did, with a ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["refuse_unknown"]


def refuse_unknown(options: Mapping[str, object], spec: type, owner: str) -> None:
    """Raise ``TypeError`` for a key of ``options`` that the ``TypedDict`` ``spec`` does not declare."""
    known: frozenset[str] = getattr(spec, "__required_keys__", frozenset()) | getattr(
        spec, "__optional_keys__", frozenset()
    )
    unknown = sorted(options.keys() - known)
    if unknown:
        raise TypeError(f"{owner}() got unexpected keyword arguments {unknown}")
