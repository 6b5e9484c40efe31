"""Fixtures of the counter-page tests: the service on a loopback port, Chromium driven by Playwright.

The browser is Debian's ``chromium`` (``PLAYWRIGHT_CHROMIUM_EXECUTABLE`` names another); Playwright's
own browser download is never used. (Not ``THAIVC_…`` names: those override the service's configuration.) Tests marked ``browser`` skip, counted in one loud line at the end of the run,
where no Chromium (or no Playwright) can be had.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

import uvicorn

from thaivc import generate_key
from thaivc.oid4vci import CredentialIssuerService, IssuanceCallback
from thaivc.server import load_config
from thaivc.server.app import build_app
from thaivc.server.db import AuditEntry, Database
from thaivc.server.pages import DemoCounter, demo_counter, mount_pages
from thaivc.server.pages.demo import mount_demo_protocols

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_DEFAULT = Path(__file__).resolve().parents[2] / "interop" / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@dataclass
class Live:
    url: str
    demo: DemoCounter
    db: Database

    def audit(self) -> list[AuditEntry]:
        return self.db.audit_log(limit=1000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    """The service with both counter pages on the demo world, served by uvicorn on 127.0.0.1."""
    yield from serve_live(tmp_path)


def serve_live(tmp_path: Path, *, callback: IssuanceCallback | None = None) -> Iterator[Live]:
    """Serve the counters; ``callback`` replaces the issuer counter's issuance callback (a flaky registry, say)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    generate_key("Ed25519").save(tmp_path / "issuer.jwk.json")
    (tmp_path / "thaivc-server.toml").write_text(
        f'public_url = "{url}"\n[issuer]\n[[issuer.keys]]\nid = "key-1"\nfile = "issuer.jwk.json"\n'
        f'[database]\nurl = "sqlite:///{tmp_path / "service.db"}"\n', encoding="utf-8")
    config = load_config(tmp_path / "thaivc-server.toml", environ={})
    db = Database(config.database.url)
    app = build_app(config, db=db)

    def audit(actor: str, action: str, target: str, outcome: str, detail: str) -> None:
        db.audit(AuditEntry(int(time.time()), actor, action, target, outcome, detail, "-"))

    counter = demo_counter(url, audit, request_ttl=120)
    if callback is not None:  # a new issuer service with the test's callback, built from the demo's parts
        old = counter.counter.issuance
        assert old is not None
        service = CredentialIssuerService(old.service.config, issuer=old.service.issuer, callback=callback,
                                          store=old.service.store, clock=old.service.clock,
                                          on_event=old.service.on_event)
        issuance = dataclasses.replace(old, service=service)
        counter = dataclasses.replace(counter, counter=dataclasses.replace(counter.counter, issuance=issuance))
    mount_demo_protocols(app, counter)
    mount_pages(app, counter.counter, public_url=url)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield Live(url, counter, db)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        pytest.skip("no Chromium: install Debian's chromium (make test does as root), "
                    "or set PLAYWRIGHT_CHROMIUM_EXECUTABLE")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (the dev extra has it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A tablet-sized page (768×1024), Thai locale, in a fresh context (no cookies, no storage)."""
    context = chromium.new_context(viewport={"width": 768, "height": 1024}, locale="th-TH")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    def save(pg: Any, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return save


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot (zxing-cpp on the pixels, as a phone would)."""
    import zxingcpp
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(found) == 1, f"{len(found)} barcodes in the picture"
    text: str = found[0].text
    return text


def axe_source() -> str | None:
    path = Path(os.environ.get("AXE_CORE_JS") or AXE_DEFAULT)
    return path.read_text(encoding="utf-8") if path.is_file() else None
