"""SD-JWT VC Type Metadata for the Thai credential types, as an https issuer publishes it.

An agency that issues ``dc+sd-jwt`` under an https identifier names each type by a URL under its
own identifier (``https://agency.go.th/vct/ThaiCitizenCredential``) and serves a Type Metadata
document there, with Thai and English display names, so a wallet can show the credential in either
language. The names here are the programme's working names; an agency may pass its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from thaivc.contexts.vocab import CITIZEN_TYPE, DELEGATION_TYPE, FOREIGNER_TYPE, JURISTIC_TYPE
from thaivc.sdjwt import type_metadata_document, vct_url

__all__ = ["THAI_TYPE_DISPLAY", "thai_type_metadata"]

#: type → locale → (name, description)
THAI_TYPE_DISPLAY: Final[Mapping[str, Mapping[str, tuple[str, str]]]] = {
    CITIZEN_TYPE: {
        "th": ("บัตรประจำตัวประชาชนดิจิทัล", "ข้อมูลบุคคลตามทะเบียนราษฎร"),
        "en": ("Thai citizen credential", "A person's civil-registration identity"),
    },
    FOREIGNER_TYPE: {
        "th": ("บัตรประจำตัวคนซึ่งไม่มีสัญชาติไทยดิจิทัล", "ข้อมูลบุคคลผู้ไม่มีสัญชาติไทย"),
        "en": ("Foreigner identity credential", "Identity of a person without Thai nationality"),
    },
    JURISTIC_TYPE: {
        "th": ("หนังสือรับรองนิติบุคคลดิจิทัล", "ข้อมูลนิติบุคคลตามทะเบียนของกรมพัฒนาธุรกิจการค้า"),
        "en": ("Juristic person credential", "A company's registration with the Department of Business Development"),
    },
    DELEGATION_TYPE: {
        "th": ("หนังสือมอบอำนาจดิจิทัล", "การมอบอำนาจให้กระทำการแทนนิติบุคคล"),
        "en": ("Delegation credential", "Authority to act on behalf of a juristic person"),
    },
}


def thai_type_metadata(issuer_id: str) -> dict[str, dict[str, Any]]:
    """``{vct URL: Type Metadata}`` for every Thai type, under the https issuer ``issuer_id``.

    The ``vct`` URLs are those :class:`thaivc.Issuer` writes for an https issuer; serve each
    document at its own URL.
    """
    out: dict[str, dict[str, Any]] = {}
    for type_name, display in THAI_TYPE_DISPLAY.items():
        vct = vct_url(issuer_id, type_name)
        out[vct] = type_metadata_document(vct, display=display)
    return out
