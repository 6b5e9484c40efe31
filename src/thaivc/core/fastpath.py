"""The fast paths of the verify path, in one registry with one switch that turns them all off.

A fast path is a memo or a shortcut that must never change an answer, only its cost: a cache of a
pure function of immutable input, a dict of already-checked strings, the JSON decoder's scanner
called without its wrapper. Each one is declared here, by the package that owns it, with the
bench line it buys (``docs/performance.md``), so they can be listed (:func:`catalogue`) and
switched off together: ``THAIVC_NO_FAST_PATHS=1`` in the environment, or :func:`disabled` in a
test, runs every verification the slow, obvious way. ``tests/test_fast_paths.py`` verifies a
corpus both ways and requires identical reports.

Besides the memos, these shortcuts read untrusted input faster and decline (never
refuse) whatever they cannot prove, leaving the strict code to decide and word the error; each has a
property test holding it to its strict route:

- :func:`thaivc.core.jsonutil.loads_strict` — orjson, accepted only when it re-serialises to the
  input bytes (every ``vc+jwt``, SD-JWT and status-list row; 1,000 object-valued claims most);
- :func:`thaivc.core.b64.b64url_decode` / ``b64url_encode`` — pybase64 behind the same
  canonical-spelling checks (the large-token rows);
- ``thaivc.sdjwt._fast`` — the ordinary SD-JWT+KB presentation verified in one pass (registered as
  ``sdjwt one-pass verify``; it only accepts, and ``verify_sd_jwt``'s strict steps decide the rest).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final, ParamSpec, TypeVar, cast

__all__ = ["ON", "FastPath", "catalogue", "clear_all", "disabled", "enabled", "memo", "register"]

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Read once at import: ``THAIVC_NO_FAST_PATHS=1`` (or ``true``/``yes``) runs without fast paths.
ON: Final[list[bool]] = [os.environ.get("THAIVC_NO_FAST_PATHS", "").strip().lower() not in {"1", "true", "yes"}]


@dataclass(frozen=True, slots=True)
class FastPath:
    """One registered fast path: where it is, the bench line it buys, and how to empty it."""

    name: str
    buys: str
    clear: Callable[[], None]


_REGISTRY: dict[str, FastPath] = {}


def enabled() -> bool:
    """Whether fast paths are on (the default)."""
    return ON[0]


def register(name: str, buys: str, clear: Callable[[], None]) -> None:
    """Declare a fast path kept by its owner (a module-level memo dict, say): its owner must test
    :data:`ON` ``[0]`` before using it, and ``clear`` must empty it."""
    _REGISTRY[name] = FastPath(name, buys, clear)


def memo(name: str, buys: str, maxsize: int | None = 128) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """``functools.lru_cache`` that is registered here and bypassed while fast paths are off.

    Only for pure functions of hashable, immutable arguments whose result is immutable (or never
    mutated by any caller): the cached answer must be the answer.
    """

    def decorate(func: Callable[_P, _R]) -> Callable[_P, _R]:
        lru = functools.lru_cache(maxsize=maxsize)(func)
        cached = cast("Callable[_P, _R]", lru)

        @functools.wraps(func)
        def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if ON[0]:
                return cached(*args, **kwargs)
            return func(*args, **kwargs)

        call.cache_clear = lru.cache_clear  # type: ignore[attr-defined]
        call.cache_info = lru.cache_info  # type: ignore[attr-defined]
        register(name, buys, lru.cache_clear)
        return call

    return decorate


def catalogue() -> tuple[FastPath, ...]:
    """Every registered fast path, by name (modules register theirs when imported)."""
    return tuple(_REGISTRY[name] for name in sorted(_REGISTRY))


def clear_all() -> None:
    """Empty every registered memo (each starts cold again)."""
    for path in _REGISTRY.values():
        path.clear()


@contextmanager
def disabled() -> Iterator[None]:
    """Run the block without fast paths, with every memo emptied before and after.

    Process-wide, not per thread: for tests and for measuring, not for a server under load.
    """
    previous = ON[0]
    clear_all()
    ON[0] = False
    try:
        yield
    finally:
        ON[0] = previous
        clear_all()
