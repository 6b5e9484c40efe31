"""DBD (กรมพัฒนาธุรกิจการค้า) juristic-person profiles (docs/thai.md).

:func:`parse_dbd_profile` reads the exact GDX ``/ws/dbd/juristic/v4/profile/information`` shape
into a frozen :class:`JuristicPerson`. Two details matter for signing authority:

* the signing clause (อำนาจกรรมการ) arrives split across ``AuthorizeDescriptions`` rows of Type
  ``L``; they are joined **in Sequence order**, and a clause whose order cannot be known (missing or
  repeated Sequence) is refused rather than guessed;
* only the status ``ยังดำเนินกิจการอยู่`` is active; every other status text, known or not, is not.

:class:`FakeDbd` serves synthetic companies from ``data/dbd_juristic.json``; :class:`GdxDbdClient`
calls GDX through the shared :class:`~thaivc.registries.gdx.GdxSession`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, Protocol, runtime_checkable

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.registries.gdx import GdxClient
from thaivc.thai.address import ThaiAddress
from thaivc.thai.dates import BEDate, parse_be_date
from thaivc.thai.ids import JuristicType, juristic_type_from_code, validate_juristic_id

__all__ = [
    "ACTIVE_STATUS",
    "AUTHORIZE_TYPES",
    "DBD_PROFILE_PATH",
    "JURISTIC_STATUSES",
    "DbdRegistry",
    "Director",
    "FakeDbd",
    "GdxDbdClient",
    "JuristicPerson",
    "parse_dbd_profile",
]

DBD_PROFILE_PATH: Final = "/ws/dbd/juristic/v4/profile/information"
#: The one status that may grant signing authority (the policy in docs/thai.md).
ACTIVE_STATUS: Final = "ยังดำเนินกิจการอยู่"
#: Known status texts with English glosses; unknown texts are kept but never active.
JURISTIC_STATUSES: Final[Mapping[str, str]] = {
    "ยังดำเนินกิจการอยู่": "active",
    "พิทักษ์ทรัพย์เด็ดขาด": "under absolute receivership",
    "แปรสภาพ": "converted",
    "เลิก(ไม่เสร็จการชำระบัญชี)": "dissolved, liquidation not finished",
    "เลิก(เสร็จการชำระบัญชี)": "dissolved, liquidated",
    "เสร็จการชำระบัญชี": "liquidated",
    "ควบ": "amalgamated",
    "ถอน(บริคณห์)": "memorandum withdrawn",
    "ร้าง": "struck off",
    "ล้มละลาย": "bankrupt",
}
#: ``AuthorizeDescriptions.Type`` meanings.
AUTHORIZE_TYPES: Final[Mapping[str, str]] = {
    "L": "อำนาจกรรมการ",
    "M": "ข้อจำกัดอำนาจหุ้นส่วน",
    "N": "รายการอื่นที่เห็นสมควรทราบ",
    "R": "หมายเหตุการเปลี่ยนชื่อ",
    "S": "หมายเหตุอื่นๆ",
}
_DIGITS: Final = re.compile(r"[0-9]{1,18}", re.ASCII)

DirectorType = Literal["K", "L"]


@dataclass(frozen=True, slots=True)
class Director:
    """A committee member: ``K`` director or partner, ``L`` managing partner. DBD gives no citizen ID."""

    title: str | None
    first_name: str
    last_name: str
    type: DirectorType
    sequence: int | None = None

    @property
    def full_name_th(self) -> str:
        """Given and family name without title, the form signing rules refer to."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class JuristicPerson:
    """A DBD juristic-person profile. ``raw`` keeps the registry's record as received."""

    juristic_id: str
    name_th: str
    name_en: str | None
    juristic_type: JuristicType | None
    type_code: str | None
    status_th: str
    registered_on: BEDate | None
    registered_capital: int | None
    paid_capital: int | None
    directors: tuple[Director, ...]
    #: Type-L rows joined in Sequence order; empty if the registry has none *or* if they are
    #: unreadable (then :attr:`signing_clause_problem` says why)
    signing_clause_th: str
    #: every other AuthorizeDescriptions row, by type (``M``, ``N``, ``R``, ``S`` …), in Sequence order;
    #: empty for a type listed in :attr:`authorization_problems`
    other_authorizations: Mapping[str, tuple[str, ...]]
    addresses: tuple[ThaiAddress, ...]
    standard_id: str | None
    old_juristic_id: str | None = None
    objectives: tuple[str, ...] = ()
    #: AuthorizeDescriptions type → why its rows cannot be joined (a missing, non-text, repeated or
    #: out-of-range row); such a text is withheld rather than joined without the missing piece
    authorization_problems: Mapping[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_active(self) -> bool:
        """True only for ``ยังดำเนินกิจการอยู่``: no other status may grant signing authority."""
        return self.status_th == ACTIVE_STATUS

    @property
    def signing_clause_problem(self) -> str | None:
        """Why the registry's signing clause is unreadable, or ``None`` when it was read whole.

        A clause with a problem authorises nothing: :func:`thaivc.authorization.authorizer` treats it as needing
        review, and no company credential is issued with it.
        """
        return self.authorization_problems.get("L")

    @property
    def status_en(self) -> str | None:
        return JURISTIC_STATUSES.get(self.status_th)

    @property
    def managing_partners(self) -> tuple[Director, ...]:
        return tuple(d for d in self.directors if d.type == "L")


def _bad(detail: str, *loc: str | int) -> Indeterminate:
    return Indeterminate("registry.unavailable", f"malformed DBD profile: {detail}", loc=loc)


def _opt_str(obj: Mapping[str, Any], key: str, *loc: str | int) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise _bad(f"{key} must be a string or null", *loc, key)


def _req_str(obj: Mapping[str, Any], key: str, *loc: str | int) -> str:
    value = obj.get(key)
    if isinstance(value, str) and value.strip():
        return value
    raise _bad(f"{key} must be a non-empty string", *loc, key)


def _capital(obj: Mapping[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise _bad(f"{key} must be a non-negative whole number", key)


def _sequence(value: object, *loc: str | int) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    raise _bad("Sequence must be an integer or null", *loc)


def _rows(obj: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise _bad(f"{key} must be a list of objects", key)
    return value


def _ordered_texts(rows: list[tuple[object, object]], label: str) -> tuple[tuple[str, ...], str | None]:
    """The texts of one ``AuthorizeDescriptions`` type in Sequence order, or ``()`` and the reason.

    DBD splits a long text over rows numbered ``1..n``; joining is only safe when every piece is
    there exactly once. A row whose text is missing or not a string, a Sequence that is missing,
    not a whole number, repeated or outside ``1..n`` means a piece is lost or misplaced, and a
    clause read without it can say something else entirely (dropping "และประทับตราสำคัญของบริษัท"
    removes the seal requirement). Such a text is unreadable, never joined as far as it goes.
    """
    pieces: dict[int, str] = {}
    for seq, text in rows:
        if not isinstance(text, str):
            return (), f"{label}: a row's AuthorizeDescription is {_json_kind(text)}, not text"
        number = 1 if seq is None and len(rows) == 1 else _whole(seq)  # a lone row needs no number
        if number is None:
            return (), f"{label}: a row's Sequence is {_json_kind(seq)}, not a whole number"
        if not 1 <= number <= len(rows):
            return (), f"{label}: Sequence {number} is outside 1..{len(rows)}, so a row is missing"
        if number in pieces:
            return (), f"{label}: Sequence {number} appears twice, so the order is unknown"
        pieces[number] = text
    return tuple(pieces[n] for n in sorted(pieces)), None


def _whole(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return int(value)
    return None


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value[:20]!r}"
    return f"a JSON {'array' if isinstance(value, list) else 'object'}"


def _authorizations(item: Mapping[str, Any]) -> tuple[str, dict[str, tuple[str, ...]], dict[str, str]]:
    """The signing clause (type L), the other types' texts, and why any type is unreadable."""
    by_type: dict[str, list[tuple[object, object]]] = {}
    for i, row in enumerate(_rows(item, "AuthorizeDescriptions")):
        atype = _req_str(row, "Type", "AuthorizeDescriptions", i)
        by_type.setdefault(atype, []).append((row.get("Sequence"), row.get("AuthorizeDescription")))
    texts: dict[str, tuple[str, ...]] = {}
    problems: dict[str, str] = {}
    for atype, rows in sorted(by_type.items()):
        label = "the signing clause (L)" if atype == "L" else f"AuthorizeDescriptions type {atype}"
        ordered, problem = _ordered_texts(rows, label)
        texts[atype] = ordered
        if problem is not None:
            problems[atype] = problem
    clause = "".join(texts.pop("L", ()))
    return clause, texts, problems


def _parse_item(item: Mapping[str, Any]) -> JuristicPerson:
    juristic_id = _req_str(item, "JuristicID")
    try:
        validate_juristic_id(juristic_id)
    except InputError:
        raise _bad("JuristicID is not a valid juristic ID", "JuristicID") from None
    type_code = _opt_str(item, "JuristicType")
    jtype = juristic_type_from_code(type_code) if type_code is not None else None
    register_date = _opt_str(item, "RegisterDate")
    try:
        registered_on = parse_be_date(register_date) if register_date else None
    except InputError:
        raise _bad("RegisterDate is not a BE date", "RegisterDate") from None

    directors: list[Director] = []
    for i, row in enumerate(_rows(item, "CommitteeInformations")):
        dtype = row.get("Type")
        if dtype not in ("K", "L"):
            raise _bad("committee Type must be K or L", "CommitteeInformations", i, "Type")
        directors.append(
            Director(
                title=_opt_str(row, "Title", "CommitteeInformations", i),
                first_name=_req_str(row, "FirstName", "CommitteeInformations", i),
                last_name=_req_str(row, "LastName", "CommitteeInformations", i),
                type=dtype,
                sequence=_sequence(row.get("Sequence"), "CommitteeInformations", i, "Sequence"),
            )
        )
    directors.sort(key=lambda d: d.sequence if d.sequence is not None else 1 << 30)

    clause, others, problems = _authorizations(item)

    addresses: list[ThaiAddress] = []
    for i, row in enumerate(_rows(item, "AddressInformations")):
        try:
            addresses.append(ThaiAddress.from_dbd(row))
        except InputError as exc:
            raise _bad(exc.detail, "AddressInformations", i) from None

    objectives: list[str] = []
    for row in _rows(item, "StandardObjectives"):
        objective = _opt_str(row, "ObjectiveDescription", "StandardObjectives")
        if objective is not None:
            objectives.append(objective)
    return JuristicPerson(
        juristic_id=juristic_id,
        name_th=_req_str(item, "JuristicName_TH"),
        name_en=_opt_str(item, "JuristicName_EN"),
        juristic_type=jtype,
        type_code=type_code,
        status_th=_req_str(item, "JuristicStatus"),
        registered_on=registered_on,
        registered_capital=_capital(item, "RegisterCapital"),
        paid_capital=_capital(item, "PaidRegisterCapital"),
        directors=tuple(directors),
        signing_clause_th=clause,
        other_authorizations=others,
        authorization_problems=problems,
        addresses=tuple(addresses),
        standard_id=_opt_str(item, "StandardID"),
        old_juristic_id=_opt_str(item, "OldJuristicID"),
        objectives=tuple(objectives),
        raw=item,
    )


def parse_dbd_profile(
    data: str | bytes | Mapping[str, Any], *, expected_id: str | None = None
) -> JuristicPerson:
    """Parse a GDX DBD profile answer ``{"ResultList": [...], "RawData": ""}``.

    Text and bytes go through :func:`~thaivc.core.jsonutil.loads_strict`. An empty ``ResultList`` raises
    ``registry.not_found``; a missing one (an error body such as ``{"Code": 0}``), anything
    malformed, several results, or a result for another ID than ``expected_id`` raises
    ``registry.unavailable`` (the registry answered, but not usably).
    """
    if isinstance(data, str | bytes):
        try:
            data = loads_strict(data, max_bytes=1024 * 1024)  # GDX profiles run to tens of KiB
        except InputError as exc:
            detail = f"DBD answer is not strict JSON ({exc.code})"
            raise Indeterminate("registry.unavailable", detail) from None
    if not isinstance(data, Mapping):
        raise _bad("the answer is not an object")
    results = data.get("ResultList")
    if not isinstance(results, list):  # an error body in a 200 is not "no such company"
        raise _bad("ResultList must be a list of objects", "ResultList")
    if not results:
        raise ThaiVCError("registry.not_found", "DBD has no juristic person with that ID")
    if not isinstance(results[0], dict):
        raise _bad("ResultList must be a list of objects", "ResultList")
    if len(results) != 1:
        raise _bad("more than one juristic person in ResultList", "ResultList")
    person = _parse_item(results[0])
    if expected_id is not None and person.juristic_id != expected_id:
        raise _bad("the answer is for another juristic ID", "ResultList", 0, "JuristicID")
    return person


@runtime_checkable
class DbdRegistry(Protocol):
    def lookup(self, juristic_id: str) -> JuristicPerson:
        """The profile of ``juristic_id``; ``registry.not_found`` if DBD has none."""
        ...


class FakeDbd:
    """In-memory DBD serving synthetic juristic persons in the exact GDX wire shape.

    Loads ``thaivc/registries/data/dbd_juristic.json`` unless ``data`` or ``path`` is given. Each
    entry's ``profile`` is one ``ResultList`` item, parsed with :func:`parse_dbd_profile`, so the fake
    exercises the same parser as the real client.
    """

    def __init__(self, data: Mapping[str, Any] | None = None, *, path: Path | None = None) -> None:
        if data is None:
            if path is None:
                ref = resources.files("thaivc.registries").joinpath("data/dbd_juristic.json")
                text = ref.read_text("utf-8")
            else:
                text = Path(path).read_text("utf-8")
            data = loads_strict(text, max_bytes=4 * 1024 * 1024, require_object=True)
        self._fixture = data
        self._profiles: dict[str, Mapping[str, Any]] = {}
        try:
            entries = list(data["juristic_persons"])
            for entry in entries:
                profile = entry["profile"]
                jid = profile["JuristicID"]
                if jid in self._profiles:
                    raise UsageError("usage.invalid_argument", f"duplicate fixture juristic ID {jid}")
                self._profiles[jid] = profile
        except (KeyError, TypeError) as exc:
            raise UsageError("usage.invalid_argument", f"malformed DBD fixture: {exc!r}") from None

    @property
    def fixture(self) -> Mapping[str, Any]:
        return self._fixture

    def juristic_ids(self) -> tuple[str, ...]:
        return tuple(self._profiles)

    def wire_answer(self, juristic_id: str) -> dict[str, Any]:
        """The GDX JSON answer for ``juristic_id`` (empty ``ResultList`` when unknown)."""
        profile = self._profiles.get(juristic_id)
        return {"ResultList": [profile] if profile is not None else [], "RawData": ""}

    def lookup(self, juristic_id: str) -> JuristicPerson:
        validate_juristic_id(juristic_id)
        return parse_dbd_profile(self.wire_answer(juristic_id), expected_id=juristic_id)


class GdxDbdClient(GdxClient):
    """DBD profile lookup through DGA GDX; session and settings: :class:`~thaivc.registries.gdx.GdxClient`."""

    def lookup(self, juristic_id: str) -> JuristicPerson:
        validate_juristic_id(juristic_id)
        answer = self._session.get(DBD_PROFILE_PATH, {"JuristicID": juristic_id})
        if answer.status == 200:
            return parse_dbd_profile(answer.body, expected_id=juristic_id)
        if answer.status == 404:
            raise ThaiVCError("registry.not_found", "DBD has no juristic person with that ID")
        if 400 <= answer.status < 500 or isinstance(answer.body, dict):
            reason = self._session.describe_error(answer.status, answer.body)
            raise Indeterminate("registry.rejected", f"GDX DBD refused: {reason}")
        raise Indeterminate("registry.unavailable", f"GDX DBD answered HTTP {answer.status}")
