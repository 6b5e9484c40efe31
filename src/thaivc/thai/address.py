"""Thai postal addresses in parts (docs/thai.md).

Registries are inconsistent about prefixes: the same sub-district arrives as ``"จตุจักร"``,
``"แขวงจตุจักร"`` or ``"ต.จตุจักร"``. :class:`ThaiAddress` stores the bare names and puts the right
words back for display: Bangkok uses แขวง/เขต, everywhere else ตำบล/อำเภอ/จังหวัด. The prefix
lists are module data and can be replaced per call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Final

from thaivc.core.errors import InputError
from thaivc.thai.text import require_text

__all__ = [
    "BANGKOK",
    "BANGKOK_ALIASES",
    "DEFAULT_PREFIXES",
    "ThaiAddress",
]

BANGKOK: Final = "กรุงเทพมหานคร"
#: Spellings of Bangkok folded to :data:`BANGKOK` in the province field.
BANGKOK_ALIASES: Final = frozenset(
    {BANGKOK, "กรุงเทพฯ", "กรุงเทพ", "กทม.", "กทม", "Bangkok", "BANGKOK", "Bangkok Metropolis"}
)

#: Prefixes stripped per field, longest first at use. Replaceable data.
DEFAULT_PREFIXES: Final[Mapping[str, tuple[str, ...]]] = {
    "house_no": ("บ้านเลขที่", "เลขที่"),
    "moo": ("หมู่ที่", "หมู่", "ม."),
    "village": ("หมู่บ้าน", "มบ."),
    "building": ("อาคาร",),
    "floor": ("ชั้นที่", "ชั้น"),
    "room": ("ห้องเลขที่", "ห้อง"),
    "soi": ("ซอย", "ซ."),
    "road": ("ถนน", "ถ."),
    "tambon": ("ตำบล", "ต.", "แขวง"),
    "amphoe": ("อำเภอ", "อ.", "เขต"),
    "province": ("จังหวัด", "จ."),
}

_POSTCODE: Final = re.compile(r"[0-9]{5}", re.ASCII)

_DBD_FIELDS: Final = {
    "AddressNo": "house_no",
    "Moo": "moo",
    "VillageName": "village",
    "Building": "building",
    "Floor": "floor",
    "RoomNo": "room",
    "Soi": "soi",
    "Road": "road",
    "Tumbol": "tambon",
    "Ampur": "amphoe",
    "Province": "province",
    "AddressName": "label",
    "FullAddress": "full_text",
}


def _strip_prefix(value: str, prefixes: Sequence[str]) -> str:
    text = value.strip()
    for prefix in sorted(prefixes, key=len, reverse=True):
        if text.startswith(prefix) and text[len(prefix):].strip():
            return text[len(prefix):].strip()
    return text


@dataclass(frozen=True, slots=True)
class ThaiAddress:
    """An address with bare field values; ``label`` is e.g. DBD's ``สำนักงานใหญ่`` (head office)."""

    house_no: str | None = None
    moo: str | None = None
    village: str | None = None
    building: str | None = None
    floor: str | None = None
    room: str | None = None
    soi: str | None = None
    road: str | None = None
    tambon: str | None = None
    amphoe: str | None = None
    province: str | None = None
    postcode: str | None = None
    label: str | None = None
    full_text: str | None = None

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise InputError("thai.address_invalid", f"{name} must be a string", loc=(name,))
            require_text(value, loc=(name,))
        if self.postcode is not None and not _POSTCODE.fullmatch(self.postcode):
            raise InputError("thai.address_invalid", "a postcode is 5 ASCII digits", loc=("postcode",))

    @classmethod
    def create(
        cls,
        *,
        prefixes: Mapping[str, Sequence[str]] = DEFAULT_PREFIXES,
        **fields: str | None,
    ) -> ThaiAddress:
        """Build from raw values: strip field prefixes, fold Bangkok, drop empty strings."""
        clean: dict[str, str | None] = {}
        for name, value in fields.items():
            if name not in cls.__slots__:
                raise InputError("thai.address_invalid", f"unknown address field {name!r}", loc=(name,))
            if value is None:
                clean[name] = None
                continue
            if not isinstance(value, str):
                raise InputError("thai.address_invalid", f"{name} must be a string", loc=(name,))
            text = _strip_prefix(value, prefixes.get(name, ()))
            if name == "province" and text in BANGKOK_ALIASES:
                text = BANGKOK
            clean[name] = text or None
        return cls(**clean)

    @classmethod
    def from_dbd(
        cls, row: Mapping[str, object], *, prefixes: Mapping[str, Sequence[str]] = DEFAULT_PREFIXES
    ) -> ThaiAddress:
        """Parse one GDX DBD ``AddressInformations`` row (which has no postcode)."""
        if not isinstance(row, Mapping):
            raise InputError("thai.address_invalid", "an address row must be an object")
        values: dict[str, str | None] = {}
        for key, name in _DBD_FIELDS.items():
            value = row.get(key)
            if value is not None and not isinstance(value, str):
                raise InputError("thai.address_invalid", f"{key} must be a string or null", loc=(key,))
            values[name] = value
        return cls.create(prefixes=prefixes, **values)

    @property
    def is_bangkok(self) -> bool:
        return self.province == BANGKOK

    def display_th(self) -> str:
        """One-line Thai form, with แขวง/เขต in Bangkok and ตำบล/อำเภอ/จังหวัด elsewhere."""
        bkk = self.is_bangkok
        pieces = [
            self.house_no,
            f"หมู่ที่ {self.moo}" if self.moo else None,
            f"หมู่บ้าน{self.village}" if self.village else None,
            f"อาคาร{self.building}" if self.building else None,
            f"ชั้น {self.floor}" if self.floor else None,
            f"ห้อง {self.room}" if self.room else None,
            f"ซอย{self.soi}" if self.soi else None,
            f"ถนน{self.road}" if self.road else None,
            (("แขวง" if bkk else "ตำบล") + self.tambon) if self.tambon else None,
            (("เขต" if bkk else "อำเภอ") + self.amphoe) if self.amphoe else None,
            (self.province if bkk else "จังหวัด" + self.province) if self.province else None,
            self.postcode,
        ]
        return " ".join(p for p in pieces if p)

    def as_dict(self) -> dict[str, str]:
        """The non-empty fields, for credential subjects."""
        return {k: v for k, v in asdict(self).items() if v is not None}
