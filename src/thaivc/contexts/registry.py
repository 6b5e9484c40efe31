"""``ContextRegistry``: the allowlist of JSON-LD contexts a processor may load, never the network.

Design points:

* **Pinned.** Every entry carries a SHA-256; bundled files are hashed when first read and a
  mismatch is refused, so a tampered installation fails closed instead of verifying with a
  different vocabulary.
* **No global mutable state.** :meth:`ContextRegistry.default` returns a new registry each call;
  what is shared between registries is only the immutable table of bundled files and the parsed
  bytes of those files. A registry can be :meth:`frozen <ContextRegistry.freeze>`.
* **Processed once.** Each registry owns the cache of *processed* contexts that pyld keeps, so a
  context is parsed and processed once per registry, and a caller's registration can never leak
  into another registry through pyld's module-wide cache.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from typing import Any, Final, NamedTuple, TypedDict

from thaivc.contexts._bundled import BUNDLED, EXAMPLES_V2, OWN
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict

__all__ = ["ContextRegistry", "DocumentLoader", "RemoteDocument", "context_digest"]

_HEX64: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)
_MAX_CONTEXT_BYTES: Final = 256 * 1024
#: processed contexts kept per registry (pyld caches by URL; a few dozen cover every real mix)
_PROCESSED_CACHE_SIZE: Final = 256


class RemoteDocument(TypedDict):
    """The shape pyld expects back from a document loader.

    ``tag: "static"`` tells pyld's context resolver the document never changes, which is what
    lets it keep the *processed* context in the registry's cache instead of redoing it per call.
    """

    contextUrl: None
    documentUrl: str
    document: dict[str, Any]
    tag: str


DocumentLoader = Callable[..., RemoteDocument]


class _BoundedCache(dict[Any, Any]):
    """The cache pyld's ``ContextResolver`` fills (it only calls ``get`` and ``[]=``).

    Bounded so a stream of documents with distinct inline contexts cannot grow it without limit;
    once full, new entries are simply not kept (the bundled contexts are always processed first).
    """

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def __setitem__(self, key: Any, value: Any) -> None:
        if key in self or len(self) < self.maxsize:
            super().__setitem__(key, value)


class _Entry(NamedTuple):
    sha256: str
    bundled_path: str | None
    document: Mapping[str, Any] | None


def context_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of a context object in canonical JSON (sorted keys, compact, UTF-8).

    Contexts hold only strings, booleans, objects and arrays, for which this form equals RFC 8785
    (JCS); it lets a caller pin a context they hold as a ``dict`` rather than as file bytes.
    """
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _bundled_raw(path: str, sha256: str) -> bytes:
    """The bytes of one bundled file, refused unless they hash to ``sha256``; cached per process."""
    raw = resources.files("thaivc.contexts").joinpath("data", *path.split("/")).read_bytes()
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise ThaiVCError("di.context_not_allowed", f"bundled context {path} fails its pinned digest")
    return raw


@functools.cache
def _read_bundled(path: str, sha256: str) -> Mapping[str, Any]:
    """Read and parse one bundled file, refusing it unless its bytes hash to ``sha256``.

    Cached per process: the result depends only on immutable package data and the pinned digest.
    """
    raw = resources.files("thaivc.contexts").joinpath("data", *path.split("/")).read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != sha256:
        raise ThaiVCError("di.context_not_allowed", f"bundled context {path} fails its pinned digest")
    document = loads_strict(raw, max_bytes=_MAX_CONTEXT_BYTES, require_object=True)
    assert isinstance(document, dict)
    return document


class ContextRegistry:
    """An allowlist of JSON-LD contexts by exact URL, each pinned by SHA-256. Never fetches."""

    __slots__ = ("_entries", "_frozen", "_parsed", "_processed", "_terms")

    def __init__(self) -> None:
        """An *empty* registry; most callers want :meth:`default`."""
        self._entries: dict[str, _Entry] = {}
        self._parsed: dict[str, Mapping[str, Any]] = {}
        self._frozen = False
        self._terms: dict[str, frozenset[str]] = {}
        self._processed = _BoundedCache(_PROCESSED_CACHE_SIZE)

    @classmethod
    def default(cls, *, examples: bool = True) -> ContextRegistry:
        """A new registry holding every bundled context (see ``data/SOURCES.md``).

        ``examples=False`` leaves out the W3C examples context, whose ``@vocab`` makes every
        undefined term "defined": the W3C test vectors need it, production credentials should not.
        """
        registry = cls()
        for url, bundled in (*BUNDLED.items(), *OWN.items()):
            if examples or url != EXAMPLES_V2:
                registry._entries[url] = _Entry(bundled.sha256, bundled.path, None)
        return registry

    # -- mutation -------------------------------------------------------------------------------

    def register(self, url: str, document: Mapping[str, Any] | bytes, sha256: str) -> None:
        """Allow ``url`` to resolve to ``document``, which must hash to ``sha256``.

        ``document`` as bytes is hashed as given (the digest ``sha256sum`` prints for the file);
        as a mapping it is hashed with :func:`context_digest`. A mismatch raises
        ``di.context_not_allowed``; re-registering a URL with other content is a usage error.
        """
        if self._frozen:
            raise UsageError("usage.invalid_argument", "this context registry is frozen")
        if not isinstance(url, str) or not url:
            raise UsageError("usage.invalid_argument", "a context URL must be a non-empty string")
        if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
            raise UsageError("usage.invalid_argument", "sha256 must be 64 lower-case hex digits")
        if isinstance(document, bytes | bytearray):
            actual = hashlib.sha256(document).hexdigest()
            parsed = loads_strict(bytes(document), max_bytes=_MAX_CONTEXT_BYTES, require_object=True)
        elif isinstance(document, Mapping):
            actual = context_digest(document)
            parsed = copy.deepcopy(dict(document))
        else:
            raise UsageError("usage.invalid_argument", "a context document must be a mapping or bytes")
        if actual != sha256:
            raise ThaiVCError("di.context_not_allowed", f"context {url[:200]} fails its pinned digest")
        if "@context" not in parsed:
            raise UsageError("usage.invalid_argument", "a context document must have an @context member")
        existing = self._entries.get(url)
        if existing is not None:
            if existing.sha256 == sha256:
                return
            raise UsageError("usage.invalid_argument", f"context {url[:200]} is already registered")
        self._entries[url] = _Entry(sha256, None, parsed)

    def freeze(self) -> ContextRegistry:
        """Refuse further registrations; returns ``self`` so a shared registry reads as one line."""
        self._frozen = True
        return self

    @property
    def frozen(self) -> bool:
        return self._frozen

    # -- lookup ---------------------------------------------------------------------------------

    def __contains__(self, url: object) -> bool:
        return url in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def sha256(self, url: str) -> str:
        """The pinned digest of ``url``; ``di.context_not_allowed`` if it is not allowed."""
        return self._entry(url).sha256

    def _entry(self, url: str) -> _Entry:
        entry = self._entries.get(url) if isinstance(url, str) else None
        if entry is None:
            shown = url[:200] if isinstance(url, str) else type(url).__name__
            raise ThaiVCError("di.context_not_allowed", f"context {shown!r} is not bundled or registered")
        return entry

    def _document(self, url: str) -> Mapping[str, Any]:
        parsed = self._parsed.get(url)
        if parsed is None:
            entry = self._entry(url)
            if entry.bundled_path is not None:
                parsed = _read_bundled(entry.bundled_path, entry.sha256)
            else:
                assert entry.document is not None
                parsed = entry.document
            self._parsed[url] = parsed
        return parsed

    def bundled_bytes(self, url: str) -> bytes | None:
        """The exact bytes of a bundled context (checked against its pin), else ``None``.

        For ``relatedResource`` digests, which are over the bytes a context is served as: only a
        bundled file has those bytes; a context registered as a mapping has no canonical bytes.
        """
        entry = self._entries.get(url) if isinstance(url, str) else None
        if entry is None or entry.bundled_path is None:
            return None
        return _bundled_raw(entry.bundled_path, entry.sha256)

    def load(self, url: str) -> dict[str, Any]:
        """The context document for ``url`` (a private copy), or ``di.context_not_allowed``."""
        return copy.deepcopy(dict(self._document(url)))

    def defined_terms(self, url: str) -> frozenset[str]:
        """The terms (and keywords) the top level of context ``url`` defines; cached.

        Used to refuse an inline context that redefines a term an allowed context already fixed.
        """
        terms = self._terms.get(url)
        if terms is None:
            terms = frozenset(_top_level_terms(self._document(url).get("@context")))
            self._terms[url] = terms
        return terms

    @property
    def document_loader(self) -> DocumentLoader:
        """A pyld-compatible loader ``(url, options=None) -> RemoteDocument`` over this registry.

        It raises ``di.context_not_allowed`` for anything not allowed, so pyld wraps it in a
        ``JsonLdError`` whose cause chain still carries the code.
        """

        def load_document(url: str, options: Mapping[str, Any] | None = None) -> RemoteDocument:
            return {"contextUrl": None, "documentUrl": url, "document": self.load(url), "tag": "static"}

        return load_document

    def jsonld_options(self) -> dict[str, Any]:
        """Options for pyld calls: this registry's loader and its cache of processed contexts.

        Passing these to ``jsonld.expand``/``to_rdf`` keeps processing offline and makes each
        context be processed once per registry.
        """
        from pyld.context_resolver import ContextResolver

        loader = self.document_loader
        return {"documentLoader": loader, "contextResolver": ContextResolver(self._processed, loader)}


def _top_level_terms(context: object) -> Iterator[str]:
    """Keys of a context's top-level definitions (a context may be a list of objects)."""
    if isinstance(context, dict):
        yield from context
    elif isinstance(context, list):
        for item in context:
            if isinstance(item, dict):
                yield from item
