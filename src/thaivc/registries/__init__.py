"""Adapters for Thai registries: DOPA (citizens' ID cards, face) and DBD (juristic persons).

Each adapter is a :class:`typing.Protocol` with an in-memory fake loaded from synthetic fixture
data (``data/``) and a client for the DGA GDX wire format. Callers receive registries by
injection; nothing here is reached implicitly, and a failed or errored check is never reported as
a pass (``registry.unavailable``, ``registry.rejected``, ``registry.not_found``).
"""

from thaivc.registries.dbd import (
    ACTIVE_STATUS,
    JURISTIC_STATUSES,
    DbdRegistry,
    Director,
    FakeDbd,
    GdxDbdClient,
    JuristicPerson,
    parse_dbd_profile,
)
from thaivc.registries.dopa import (
    DEFAULT_CARD_STATUS_TABLE,
    CardCheckResult,
    CardStatus,
    CardStatusRule,
    DopaCardChecker,
    DopaFaceVerifier,
    FaceMatchResult,
    FakeDopa,
    GdxDopaClient,
    map_card_status,
)
from thaivc.registries.gdx import GdxSession

__all__ = [
    "ACTIVE_STATUS",
    "DEFAULT_CARD_STATUS_TABLE",
    "JURISTIC_STATUSES",
    "CardCheckResult",
    "CardStatus",
    "CardStatusRule",
    "DbdRegistry",
    "Director",
    "DopaCardChecker",
    "DopaFaceVerifier",
    "FaceMatchResult",
    "FakeDbd",
    "FakeDopa",
    "GdxDbdClient",
    "GdxDopaClient",
    "GdxSession",
    "JuristicPerson",
    "map_card_status",
    "parse_dbd_profile",
]
