"""DOPA (กรมการปกครอง) identity checks: card status by laser code, and face verification.

Two :class:`typing.Protocol` seams, :class:`DopaCardChecker` and :class:`DopaFaceVerifier`, with an
in-memory :class:`FakeDopa` loaded from synthetic fixture data and :class:`GdxDopaClient` for the
DGA GDX REST shape (docs/thai.md). DOPA's numeric code and its Thai description are kept verbatim;
the mapping to :class:`CardStatus` is a table (:data:`DEFAULT_CARD_STATUS_TABLE`) because the code
list is only partly documented (⚠️ codes 1 and the code-2 reasons).

No public wire format exists for DOPA face verification, so only the fake implements it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, Protocol, runtime_checkable

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.registries.gdx import GdxClient
from thaivc.thai.dates import BEDate, parse_be_date
from thaivc.thai.ids import validate_citizen_id
from thaivc.thai.laser import normalize_laser_code
from thaivc.thai.text import require_text

__all__ = [
    "DEFAULT_CARD_STATUS_TABLE",
    "DEFAULT_FACE_THRESHOLD",
    "DOPA_VERIFY_PATH",
    "CardCheckResult",
    "CardStatus",
    "CardStatusRule",
    "DopaCardChecker",
    "DopaFaceVerifier",
    "FaceMatchResult",
    "FakeDopa",
    "GdxDopaClient",
    "map_card_status",
    "prepare_card_query",
]

DOPA_VERIFY_PATH: Final = "/ws/dopa/verification/personal"
#: Where DOPA puts the reason a card is no longer valid: ``บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี <reason>``.
REASON_MARKER: Final = "เนื่องจากกรณี"
#: Face-match score threshold of the fake (no public DOPA figure exists; ⚠️).
DEFAULT_FACE_THRESHOLD: Final = 0.80

#: Fixture files are package data or a test suite's own file; still parsed strictly.
_FIXTURE_MAX_BYTES: Final = 4 * 1024 * 1024

FaceSource = Literal["dopa", "chip"]


class CardStatus(enum.Enum):
    """What a DOPA card check means for the caller. Only ``VALID`` lets a check pass."""

    VALID = "valid"
    #: code 2: the card is no longer usable; ``CardCheckResult.reason`` holds DOPA's reason text
    CARD_INVALID = "card_invalid"
    LASER_NOT_FOUND = "laser_not_found"
    DATA_MISMATCH = "data_mismatch"
    INCOMPLETE = "incomplete"
    CHIP_INVALID = "chip_invalid"
    #: GDX answered ``{"Result": false}``: not valid, with no code or reason given
    NOT_VALID = "not_valid"


@dataclass(frozen=True, slots=True)
class CardStatusRule:
    """``code`` (and, if set, a substring of the description) maps to ``status``. First match wins."""

    code: int
    status: CardStatus
    contains: str | None = None


#: DOPA code → status (docs/thai.md). Replaceable data: pass ``table=`` where results are mapped.
DEFAULT_CARD_STATUS_TABLE: Final[tuple[CardStatusRule, ...]] = (
    CardStatusRule(0, CardStatus.VALID),
    CardStatusRule(1, CardStatus.CHIP_INVALID),
    CardStatusRule(2, CardStatus.CARD_INVALID),
    CardStatusRule(4, CardStatus.LASER_NOT_FOUND, "ไม่พบเลข Laser"),
    CardStatusRule(4, CardStatus.DATA_MISMATCH, "ข้อมูลไม่ตรง"),
    CardStatusRule(4, CardStatus.DATA_MISMATCH),
    CardStatusRule(5, CardStatus.INCOMPLETE),
)


def map_card_status(
    code: int, description: str | None, *, table: Sequence[CardStatusRule] = DEFAULT_CARD_STATUS_TABLE
) -> tuple[CardStatus, str | None] | None:
    """``(status, reason)`` for a DOPA code, or ``None`` if the table does not know the code.

    ``reason`` is the free text after ``เนื่องจากกรณี`` for ``CARD_INVALID`` (e.g. ``บัตรหมดอายุ``).
    """
    text = description or ""
    for rule in table:
        if rule.code == code and (rule.contains is None or rule.contains in text):
            reason = None
            if rule.status is CardStatus.CARD_INVALID and REASON_MARKER in text:
                reason = text.split(REASON_MARKER, 1)[1].strip() or None
            return rule.status, reason
    return None


@dataclass(frozen=True, slots=True)
class CardCheckResult:
    """One DOPA card-status answer, with DOPA's own code and Thai description kept verbatim."""

    code: int | None
    description: str | None
    status: CardStatus
    reason: str | None = None
    #: which implementation answered: ``"gdx"``, ``"fake"`` …
    source: str = "gdx"
    #: seconds since the epoch, from the injected clock
    checked_at: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is CardStatus.VALID

    @classmethod
    def from_dopa(
        cls,
        code: int,
        description: str | None,
        *,
        source: str,
        checked_at: float | None = None,
        table: Sequence[CardStatusRule] = DEFAULT_CARD_STATUS_TABLE,
    ) -> CardCheckResult:
        mapped = map_card_status(code, description, table=table)
        if mapped is None:
            raise Indeterminate("registry.unavailable", f"DOPA answered an unknown code {code}")
        return cls(code, description, mapped[0], mapped[1], source, checked_at)


@dataclass(frozen=True, slots=True)
class FaceMatchResult:
    """A face comparison between a captured image and the reference held by ``source``."""

    citizen_id: str
    score: float
    threshold: float
    source: FaceSource
    checked_at: float | None = None

    @property
    def matched(self) -> bool:
        return self.score >= self.threshold


@runtime_checkable
class DopaCardChecker(Protocol):
    def check_card(
        self,
        citizen_id: str,
        first_name_th: str,
        last_name_th: str,
        birth_date_be: str | BEDate,
        laser_code: str,
    ) -> CardCheckResult:
        """Ask DOPA whether the card with ``laser_code`` is valid and matches the data."""
        ...


@runtime_checkable
class DopaFaceVerifier(Protocol):
    def verify_face(self, citizen_id: str, image_ref: str) -> FaceMatchResult:
        """Compare the image ``image_ref`` with DOPA's reference photo of ``citizen_id``."""
        ...


def prepare_card_query(
    citizen_id: str,
    first_name_th: str,
    last_name_th: str,
    birth_date_be: str | BEDate,
    laser_code: str,
) -> dict[str, str]:
    """Validate locally and build the GDX query parameters.

    Malformed values (bad check digit, a laser code of the wrong shape, an impossible date, invisible
    characters) are refused here with ``thai.*`` / ``text.*`` codes and never sent. *Empty* fields are
    passed on: DOPA answers them with code 5 (incomplete), which is the registry's verdict to report.
    Names are sent as given (no normalisation); DOPA wants the Thai given name without title or
    middle name.
    """
    validate_citizen_id(citizen_id)
    for name, value in (("first_name_th", first_name_th), ("last_name_th", last_name_th)):
        if not isinstance(value, str):
            raise InputError("thai.name_invalid", f"{name} must be a string", loc=(name,))
        require_text(value, loc=(name,))
    if isinstance(birth_date_be, BEDate):
        birth = birth_date_be.raw
    elif birth_date_be == "":
        birth = ""
    else:
        birth = parse_be_date(birth_date_be).raw
    laser = normalize_laser_code(laser_code) if laser_code != "" else ""
    return {
        "CitizenID": citizen_id,
        "FirstName": first_name_th,
        "LastName": last_name_th,
        "BEBirthDate": birth,
        "LaserCode": laser,
    }


# -- the fake --------------------------------------------------------------------------------------

_DESC_VALID: Final = "สถานะปกติ"
_DESC_CHIP: Final = "Chip No สถานะไม่ปกติ"
_DESC_INVALID: Final = "บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี "
_DESC_LASER: Final = "สถานะไม่ปกติ => ไม่พบเลข Laser จาก PID นี้"
_DESC_MISMATCH: Final = "สถานะไม่ปกติ => ข้อมูลไม่ตรง"
_DESC_INCOMPLETE: Final = "ข้อมูลที่ใช้ในการตรวจสอบไม่ครบ"

_CARD_STATES: Final = {"valid", "expired", "chip_abnormal"}


@dataclass(frozen=True, slots=True)
class _Card:
    laser_code: str | None
    state: str
    previous: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Citizen:
    citizen_id: str
    given_th: str
    family_th: str
    birth_date_be: str
    card: _Card
    faces: Mapping[str, float]


def _load_fixture(path: Path | None) -> Any:
    if path is None:
        text = resources.files("thaivc.registries").joinpath("data/dopa_citizens.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return loads_strict(text, max_bytes=_FIXTURE_MAX_BYTES, require_object=True)


class FakeDopa:
    """An in-memory DOPA answering like the real one, from synthetic citizens.

    Loads ``thaivc/registries/data/dopa_citizens.json`` unless ``data`` (the same JSON shape) or
    ``path`` is given. The citizens are not real people: see ``data/README.md``.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        path: Path | None = None,
        clock: Clock | None = None,
        table: Sequence[CardStatusRule] = DEFAULT_CARD_STATUS_TABLE,
        face_threshold: float = DEFAULT_FACE_THRESHOLD,
    ) -> None:
        raw = data if data is not None else _load_fixture(path)
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._table = tuple(table)
        self._threshold = float(face_threshold)
        self._citizens: dict[str, _Citizen] = {}
        self._raw = raw
        for entry in raw["citizens"]:
            try:
                citizen = self._parse_citizen(entry)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                raise UsageError("usage.invalid_argument", f"malformed DOPA fixture entry: {exc!r}") from None
            if citizen.citizen_id in self._citizens:
                raise UsageError("usage.invalid_argument", f"duplicate fixture citizen {citizen.citizen_id}")
            self._citizens[citizen.citizen_id] = citizen

    @staticmethod
    def _parse_citizen(entry: Mapping[str, Any]) -> _Citizen:
        cid = validate_citizen_id(entry["citizen_id"])
        name = entry["name"]
        parse_be_date(entry["birth_date_be"])
        card = entry["card"]
        if card["state"] not in _CARD_STATES:
            raise UsageError("usage.invalid_argument", f"unknown card state {card['state']!r}")
        laser = card.get("laser_code")
        if laser is not None:
            normalize_laser_code(laser)
        previous = {normalize_laser_code(p["laser_code"]): p["reason"] for p in card.get("previous", [])}
        faces = {str(k): float(v) for k, v in entry.get("face_templates", {}).items()}
        card_obj = _Card(laser, card["state"], previous)
        return _Citizen(cid, name["given_th"], name["family_th"], entry["birth_date_be"], card_obj, faces)

    @property
    def fixture(self) -> Mapping[str, Any]:
        """The loaded fixture document (citizens and scenario examples), for test suites."""
        return self._raw

    def citizen_ids(self) -> tuple[str, ...]:
        return tuple(self._citizens)

    def _result(self, code: int, description: str) -> CardCheckResult:
        return CardCheckResult.from_dopa(
            code, description, source="fake", checked_at=self._clock.now(), table=self._table
        )

    def check_card(
        self,
        citizen_id: str,
        first_name_th: str,
        last_name_th: str,
        birth_date_be: str | BEDate,
        laser_code: str,
    ) -> CardCheckResult:
        query = prepare_card_query(citizen_id, first_name_th, last_name_th, birth_date_be, laser_code)
        if any(value == "" for value in query.values()):
            return self._result(5, _DESC_INCOMPLETE)
        citizen = self._citizens.get(query["CitizenID"])
        if citizen is None:
            return self._result(4, _DESC_LASER)
        refused = _card_refusal(citizen.card, query["LaserCode"])
        if refused is not None:
            return self._result(*refused)
        if (query["FirstName"], query["LastName"], query["BEBirthDate"]) != (
            citizen.given_th,
            citizen.family_th,
            citizen.birth_date_be,
        ):
            return self._result(4, _DESC_MISMATCH)
        if citizen.card.state == "chip_abnormal":
            return self._result(1, _DESC_CHIP)
        return self._result(0, _DESC_VALID)

    def verify_face(self, citizen_id: str, image_ref: str) -> FaceMatchResult:
        validate_citizen_id(citizen_id)
        citizen = self._citizens.get(citizen_id)
        if citizen is None:
            raise ThaiVCError("registry.not_found", "no such citizen in the DOPA fixture")
        if not isinstance(image_ref, str) or not image_ref:
            raise InputError("usage.invalid_argument", "image_ref must be a non-empty string")
        score = citizen.faces.get(image_ref, 0.0)
        return FaceMatchResult(citizen_id, score, self._threshold, "dopa", self._clock.now())


def _card_refusal(card: _Card, laser: str) -> tuple[int, str] | None:
    """DOPA's answer about the card itself: a replaced card's laser code, a wrong one, an expired card."""
    if laser in card.previous:
        return 2, _DESC_INVALID + card.previous[laser]
    if card.laser_code is None or laser != card.laser_code:
        return 4, _DESC_LASER
    if card.state == "expired":
        return 2, _DESC_INVALID + "บัตรหมดอายุ"
    return None


# -- the GDX client --------------------------------------------------------------------------------

_FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded; charset=utf-8"


def _as_code(value: object) -> int | None:
    """DOPA's code as GDX documents it: a JSON integer. ``"0"``, ``0.0`` or ``true`` are not codes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


class GdxDopaClient(GdxClient):
    """DOPA card-status check through DGA GDX (``/ws/dopa/verification/personal``).

    * HTTP 200 ``{"Result": true}`` → ``VALID`` (code 0); ``{"Result": false}`` → ``NOT_VALID``;
      any other 200 body → ``registry.unavailable``. Nothing else is ever ``VALID``.
    * HTTP 500 ``{"Code": c, "Message": m}`` with an integer code other than 0 that the table maps
      to a non-valid status → that card status, with ``m`` kept verbatim; any other code (0, a
      string, unknown) → ``registry.rejected``.
    * other 4xx/5xx → ``registry.rejected`` / ``registry.unavailable``; malformed bodies →
      ``registry.unavailable``. Transport behaviour (one total ``timeout`` per call, https only
      unless ``insecure=True``) is :class:`~thaivc.registries.gdx.GdxSession`'s.
    """

    #: DOPA code → card status; another table comes with :meth:`with_table`.
    _table: tuple[CardStatusRule, ...] = tuple(DEFAULT_CARD_STATUS_TABLE)

    def with_table(self, table: Sequence[CardStatusRule]) -> GdxDopaClient:
        """The same client (same session) reading DOPA's codes through ``table``."""
        client = GdxDopaClient.__new__(GdxDopaClient)
        client._clock, client._session, client._table = self._clock, self._session, tuple(table)
        return client

    def check_card(
        self,
        citizen_id: str,
        first_name_th: str,
        last_name_th: str,
        birth_date_be: str | BEDate,
        laser_code: str,
    ) -> CardCheckResult:
        query = prepare_card_query(citizen_id, first_name_th, last_name_th, birth_date_be, laser_code)
        answer = self._session.get(DOPA_VERIFY_PATH, query, {"Content-Type": _FORM_CONTENT_TYPE})
        now = self._clock.now()
        if answer.status == 200:
            return self._success(answer.body, now)
        if answer.status == 500 and isinstance(answer.body, dict) and "Code" in answer.body:
            return self._card_verdict(answer.body, now)
        if isinstance(answer.body, dict) and ("Code" in answer.body or "Message" in answer.body):
            reason = self._session.describe_error(answer.status, answer.body)
            raise Indeterminate("registry.rejected", f"GDX DOPA refused: {reason}")
        if 400 <= answer.status < 500:
            raise Indeterminate("registry.rejected", f"GDX DOPA refused the request (HTTP {answer.status})")
        raise Indeterminate("registry.unavailable", f"GDX DOPA answered HTTP {answer.status}")

    @staticmethod
    def _success(body: Any, now: float) -> CardCheckResult:
        """HTTP 200 ``{"Result": true|false}`` is the only success shape GDX documents.

        A 200 that also carries a ``Code`` contradicts itself, and anything else is not an answer:
        both are ``registry.unavailable`` rather than a guess at what DOPA meant.
        """
        if not isinstance(body, dict) or "Code" in body or not isinstance(body.get("Result"), bool):
            raise Indeterminate("registry.unavailable", "GDX DOPA answered 200 without the documented Result shape")
        if body["Result"]:
            return CardCheckResult(0, None, CardStatus.VALID, None, "gdx", now)
        return CardCheckResult(None, None, CardStatus.NOT_VALID, None, "gdx", now)

    def _card_verdict(self, body: Mapping[str, Any], now: float) -> CardCheckResult:
        """HTTP 500 ``{"Code": int, "Message": str}`` names a card status, but never a valid one.

        An error answer is an error first: code 0 there (``{"Code": 0, "Message": "Internal Server
        Error"}``), a code of another JSON type (``"0"``, ``"00"``, ``0.0``), a code the table does not
        know or a table row that would map an error answer to ``VALID`` is ``registry.rejected``.
        Only HTTP 200 ``{"Result": true}`` makes a card valid.
        """
        code = _as_code(body.get("Code"))
        message = body.get("Message")
        mapped = None
        if code is not None and code != 0 and isinstance(message, str):
            mapped = map_card_status(code, message, table=self._table)
        if mapped is None or mapped[0] is CardStatus.VALID:
            reason = self._session.describe_error(500, body)
            raise Indeterminate("registry.rejected", f"GDX DOPA answered an error, not a card status: {reason}")
        return CardCheckResult(code, message, mapped[0], mapped[1], "gdx", now)
