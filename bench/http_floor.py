"""The HTTP floor of ``make loadtest``: what uvicorn costs per request before any application work.

``thaivc serve``'s CPU per verification is the HTTP stack, plus the library's verification, plus
the service's own work. The load test measures the first part in the same run, under the same
driver, by serving three stand-ins with exactly ``thaivc serve``'s uvicorn settings
(:func:`thaivc.cli.serve.uvicorn_settings`: h11, uvloop, the same worker count). Each reads the whole
POST body and answers a fixed small JSON:

* ``raw``: a bare ASGI callable — uvicorn, h11 and the event loop, nothing else;
* ``fastapi``: a FastAPI app with the two verify routes, reading the body in the handler — adds
  Starlette's request/response objects, routing and FastAPI's endpoint machinery;
* ``fastapi-pool``: the same, with the handler's work (none) sent to the thread pool and back, as
  ``thaivc serve`` does with every verification — adds the hop.

``python bench/http_floor.py --app raw --port 8081 --workers 2`` serves one of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

ROOT = Path(__file__).resolve().parent.parent
FIXED = b'{"verified":true,"checks":["proof"],"problems":[]}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(FIXED)).encode())]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def raw_app(scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
    """The least an ASGI application can do: read the body, answer a fixed JSON."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        more = bool(message.get("more_body", False))
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": FIXED})


def _nothing(body: bytes) -> int:
    return len(body)


def _fastapi(pool: bool) -> FastAPI:
    app = FastAPI(title="HTTP floor")

    async def verify(request: Request) -> Response:
        body = await request.body()
        if pool:
            await run_in_threadpool(_nothing, body)
        return Response(FIXED, media_type="application/json")

    app.add_api_route("/credentials/verify", verify, methods=["POST"])
    app.add_api_route("/presentations/verify", verify, methods=["POST"])

    @app.get("/readyz")
    async def readyz() -> Response:
        return Response(b'{"status":"ready"}', media_type="application/json")

    return app


fastapi_app = _fastapi(pool=False)
fastapi_pool_app = _fastapi(pool=True)
APPS = {"raw": "raw_app", "fastapi": "fastapi_app", "fastapi-pool": "fastapi_pool_app"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", choices=sorted(APPS), default="raw")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    import uvicorn

    from thaivc.cli.serve import uvicorn_settings

    uvicorn.run(
        f"http_floor:{APPS[args.app]}",
        app_dir=str(Path(__file__).resolve().parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        **uvicorn_settings(),
    )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
