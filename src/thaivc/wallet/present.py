"""The wallet's presentation half (OpenID4VP 1.0): read a request, choose, present, post.

A small, honest wallet for tests, demos and agencies' integration suites. It speaks exactly the
messages another wallet would — it fetches the request object from ``request_uri``, believes it only
under the key its ``client_id`` names, matches the DCQL query against what it holds with the same
reading the verifier uses, discloses only the claims asked for (after asking its ``choose``
callback), binds every presentation to the request's nonce and client_id, and posts the response
encrypted when the verifier asked for ``direct_post.jwt``. It never reaches into the verifier.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from cryptography import x509

from thaivc import Holder, Policy, Signer, Verifier
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import dumps_compact
from thaivc.did import UniversalResolver
from thaivc.oid4vp.dcql import ClaimQuery, CredentialQuery
from thaivc.oid4vp.evaluate import match_credential
from thaivc.oid4vp.jwe import encrypt_response
from thaivc.oid4vp.request import (
    MAX_REQUEST_BYTES,
    REQUEST_TYP,
    AuthorizationRequest,
    read_request_object,
    require_unsigned,
)

__all__ = ["Candidate", "Choose", "PresentationWallet", "StoredCredential", "choose_first"]

_FORMAT_OF: Final = {"dc+sd-jwt": "dc+sd-jwt", "vc+jwt": "jwt_vc_json", "di": "ldp_vc"}
#: the only hosts a plain-http ``request_uri`` may name, and only with ``allow_insecure_loopback``
_LOOPBACK: Final = frozenset({"127.0.0.1", "::1"})


def _request_uri_allowed(uri: str, *, allow_insecure_loopback: bool) -> bool:
    """``https://`` with a host; plain ``http://`` only to a loopback address, only when allowed.

    The host is read by parsing the URL, never by its prefix: ``http://127.0.0.1.evil.example/``
    and ``http://127.0.0.1@evil.example/`` are other hosts.
    """
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        parts.port  # noqa: B018  # a malformed port raises here, not later in the HTTP client
    except ValueError:
        return False
    if not host:
        return False
    if parts.scheme == "https":
        return True
    return allow_insecure_loopback and parts.scheme == "http" and host in _LOOPBACK and parts.username is None


@dataclass(frozen=True)
class StoredCredential:
    """A credential the wallet holds: as issued, and the claims view it verified on receipt."""

    raw: str | dict[str, Any]
    format: str
    view: dict[str, Any]


@dataclass(frozen=True)
class Candidate:
    """A stored credential that can answer a credential query, and the claims it would disclose."""

    query: CredentialQuery
    credential: StoredCredential
    claims: tuple[ClaimQuery, ...]


#: Given the request and the candidates per query id, return the chosen candidate per query id
#: (or ``None`` to decline). This is where a real wallet asks its user.
Choose = Callable[[AuthorizationRequest, Mapping[str, Sequence[Candidate]]], Mapping[str, Candidate] | None]


def choose_first(request: AuthorizationRequest, candidates: Mapping[str, Sequence[Candidate]]
                 ) -> Mapping[str, Candidate] | None:
    """Consent to the first candidate of every query (tests and demos)."""
    return {qid: items[0] for qid, items in candidates.items() if items}


def _pointers(document: Mapping[str, Any], claims: Sequence[ClaimQuery]) -> list[str]:
    """JSON pointers (RFC 6901) of the concrete values a claim path selects, for SD-JWT disclosure."""
    out: list[str] = []

    def walk(value: Any, path: Sequence[Any], prefix: list[str]) -> None:
        if not path:
            out.append("/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in prefix))
            return
        head, rest = path[0], path[1:]
        if isinstance(head, str) and isinstance(value, dict) and head in value:
            walk(value[head], rest, [*prefix, head])
        elif head is None and isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, rest, [*prefix, str(i)])
        elif isinstance(head, int) and isinstance(value, list) and 0 <= head < len(value):
            walk(value[head], rest, [*prefix, str(head)])

    for c in claims:
        walk(document, c.path, [])
    return sorted(set(out))


class PresentationWallet:
    """Holds credentials under one key and answers OpenID4VP requests with them.

    ``http`` is the client it fetches request objects and posts responses with (an
    ``httpx.Client`` with a ``MockTransport`` in tests, or one pointed at a loopback server).
    ``x509_anchors`` are the roots it trusts for ``x509_san_dns:`` verifiers.
    ``allow_insecure_loopback`` lets it fetch a ``request_uri`` over plain http from 127.0.0.1 or
    ``[::1]`` (a test server, the demo); without it, every ``request_uri`` must be https.
    """

    def __init__(
        self,
        key: Signer,
        *,
        http: httpx.Client,
        x509_anchors: Sequence[x509.Certificate] = (),
        resolver: UniversalResolver | None = None,
        verifier: Verifier | None = None,
        allow_redirect_uri_clients: bool = False,
        allow_insecure_loopback: bool = False,
    ) -> None:
        self.key = key
        self.holder = Holder(key)
        self.http = http
        self.x509_anchors = tuple(x509_anchors)
        self.resolver = resolver or UniversalResolver()
        # the wallet checks what it stores; binding and status are the presentation's verifier's business
        self.verifier = verifier or Verifier(
            Policy(require_key_binding=False, require_status_check=False, require_challenge=False),
            resolver=self.resolver,
        )
        self.allow_redirect_uri_clients = allow_redirect_uri_clients
        self.allow_insecure_loopback = allow_insecure_loopback
        self.credentials: list[StoredCredential] = []

    # -- holding --------------------------------------------------------------------------------

    def store(self, credential: str | dict[str, Any]) -> StoredCredential:
        """Verify and keep a credential (its issuer's signature is checked before it is kept)."""
        report = self.verifier.check(credential)
        if not report.ok or report.document is None or report.format not in _FORMAT_OF:
            raise InputError(report.problems[0].code if report.problems else "input.unrecognized",
                             "the wallet keeps only credentials that verify")
        stored = StoredCredential(credential, _FORMAT_OF[report.format], report.document)
        self.credentials.append(stored)
        return stored

    # -- reading a request ------------------------------------------------------------------------

    def read_request(self, link: str) -> AuthorizationRequest:
        """An ``openid4vp://`` link (or its query string) to a verified request."""
        query = urlsplit(link).query if "://" in link else link
        params = dict(parse_qsl(query, keep_blank_values=True, max_num_fields=32))
        client_id = params.get("client_id")
        request_uri = params.get("request_uri")
        if request_uri is None:
            if not self.allow_redirect_uri_clients:
                raise InputError("openid.request_invalid", "an unsigned request; this wallet wants a request object")
            return require_unsigned(AuthorizationRequest.from_params(params))
        if set(params) - {"client_id", "request_uri", "request_uri_method"}:
            raise InputError("openid.request_invalid", "a request_uri link carries only client_id and request_uri")
        if not _request_uri_allowed(request_uri, allow_insecure_loopback=self.allow_insecure_loopback):
            raise InputError("openid.request_invalid", "request_uri is not https (plain http: loopback, when allowed)")
        method = params.get("request_uri_method", "get")
        try:
            if method == "post":
                answer = self.http.post(request_uri, headers={"Accept": f"application/{REQUEST_TYP}"})
            else:
                answer = self.http.get(request_uri, headers={"Accept": f"application/{REQUEST_TYP}"})
        except httpx.HTTPError as exc:
            raise InputError("openid.request_invalid", f"request_uri unreachable: {type(exc).__name__}") from None
        if answer.status_code != 200 or len(answer.content) > MAX_REQUEST_BYTES:
            raise InputError("openid.request_invalid", f"request_uri answered {answer.status_code}")
        return read_request_object(answer.text.strip(), client_id=client_id, x509_anchors=self.x509_anchors,
                                   resolver=self.resolver)

    # -- matching and answering -------------------------------------------------------------------

    def candidates(self, request: AuthorizationRequest) -> dict[str, list[Candidate]]:
        """Every stored credential that satisfies each credential query, read as the verifier reads it."""
        out: dict[str, list[Candidate]] = {}
        for query in request.dcql_query.credentials:
            for stored in self.credentials:
                claims = match_credential(query, stored.view, stored.format)
                if claims is not None:
                    out.setdefault(query.id, []).append(Candidate(query, stored, claims))
        return out

    def respond(self, request: AuthorizationRequest, choose: Choose = choose_first, *,
                attach: Mapping[str, Sequence[str | dict[str, Any]]] | None = None) -> dict[str, Any]:
        """Build the response parameters (``vp_token``, ``state``) for what ``choose`` consents to.

        ``attach`` adds documents to the presentation answering a query id, as copies are attached
        to a paper power of attorney (the company certificate, the delegation, the directors' IDs):
        the wallet carries them, the verifier judges them.
        """
        chosen = choose(request, self.candidates(request))
        if chosen is None:
            return {"error": "access_denied", "state": request.state}
        vp_token: dict[str, list[Any]] = {}
        for qid, candidate in chosen.items():
            vp_token[qid] = [self._present(request, candidate, list((attach or {}).get(qid, ())))]
        return {"vp_token": vp_token, "state": request.state}

    def _present(self, request: AuthorizationRequest, candidate: Candidate,
                 attachments: list[str | dict[str, Any]]) -> Any:
        stored = candidate.credential
        if stored.format == "dc+sd-jwt":
            assert isinstance(stored.raw, str)
            if attachments:
                raise InputError("usage.invalid_argument", "an SD-JWT presentation carries nothing else")
            disclose = _pointers(stored.view, candidate.claims)
            return self.holder.present([stored.raw], format="dc+sd-jwt", disclose=disclose,
                                       challenge=request.nonce, domain=request.client_id)
        items = [stored.raw, *attachments]
        if stored.format == "jwt_vc_json":
            return self.holder.present(items, format="vp+jwt", challenge=request.nonce, domain=request.client_id)
        return self.holder.present(items, format="di", challenge=request.nonce, domain=request.client_id)

    def post(self, request: AuthorizationRequest, params: Mapping[str, Any]) -> httpx.Response:
        """Post the response to ``response_uri`` exactly as §8.2/§8.3 say: form fields, or one encrypted JWT."""
        if request.response_mode == "direct_post.jwt":
            jwk = request.encryption_jwk()
            if jwk is None:
                raise InputError("openid.request_invalid", "direct_post.jwt without an encryption key")
            form = {"response": encrypt_response(params, jwk, enc=request.encryption_enc())}
        else:
            form = {k: v if isinstance(v, str) else dumps_compact(v) for k, v in params.items()}
        return self.http.post(request.response_uri, content=urlencode(form).encode("ascii"),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})

    def present(self, link: str, choose: Choose = choose_first, *,
                attach: Mapping[str, Sequence[str | dict[str, Any]]] | None = None) -> httpx.Response:
        """The whole exchange: read the request behind ``link``, choose, present, post."""
        request = self.read_request(link)
        return self.post(request, self.respond(request, choose, attach=attach))

    def __repr__(self) -> str:
        return f"PresentationWallet({self.key.kid!r}, {len(self.credentials)} credentials)"
