"""Counter pages: what an officer and a citizen look at, over the service's OpenID4VP and OpenID4VCI.

``mount_pages(app, counter, public_url=…)`` adds ``/counter/…`` (server-rendered Jinja2 templates,
static files served by the service, a little plain JavaScript, nothing from a CDN) to the service's
FastAPI application. :class:`Counter` is what the pages are given; :func:`demo_counter` builds one
on the demo world (fake registries, bannered as test data).
"""

from thaivc.server.pages.counter import AuditSink, Counter, CounterIssuance
from thaivc.server.pages.demo import DemoCounter, demo_counter
from thaivc.server.pages.issuing import CardInput, CheckOutcome, OfferTracker, citizen_callback, officer_checks
from thaivc.server.pages.officers import Officer, SessionSigner
from thaivc.server.pages.presets import Preset, demo_presets
from thaivc.server.pages.routes import PREFIX, mount_pages

__all__ = [
    "PREFIX",
    "AuditSink",
    "CardInput",
    "CheckOutcome",
    "Counter",
    "CounterIssuance",
    "DemoCounter",
    "OfferTracker",
    "Officer",
    "Preset",
    "SessionSigner",
    "citizen_callback",
    "demo_counter",
    "demo_presets",
    "mount_pages",
    "officer_checks",
]
