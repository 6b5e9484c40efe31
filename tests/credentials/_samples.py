"""Sample people for the credential tests (synthetic; the same people as the DOPA fake)."""

from __future__ import annotations

from thaivc.assurance import DopaCardStatusEvidence, Evidence, FaceMatchEvidence, LivenessEvidence
from thaivc.assurance.evidence import at_time
from thaivc.credentials import CitizenPerson, ForeignPerson
from thaivc.thai import ThaiAddress, ThaiName, parse_be_date

SOMCHAI = CitizenPerson(
    "1999900001010",
    ThaiName(title_th="นาย", given_th="สมชาย", family_th="ใจดี", title_en="Mr.", given_en="Somchai", family_en="Jaidee"),
    parse_be_date("25380812"),
    ThaiAddress.create(
        house_no="99/1",
        road="ถนนราชดำเนินกลาง",
        tambon="แขวงบวรนิเวศ",
        amphoe="เขตพระนคร",
        province="กรุงเทพมหานคร",
        postcode="10200",
    ),
)
BOONMEE = CitizenPerson("3999900001041", ThaiName(given_th="บุญมี", family_th="ทองดี"), parse_be_date("24950000"))
MAUNG = ForeignPerson(
    ThaiName(given_en="Maung", family_en="Lwin", given_th="หม่อง", family_th="ลวิน"),
    "1990-04-12",
    passport_number="MC1234567",
    issuing_state="MMR",
    personal_id="0999900001135",
    nationality="MMR",
)
EVIDENCE_23 = Evidence.of(
    DopaCardStatusEvidence(code=0, status="valid", source="fake", at=at_time(1780272000)),
    FaceMatchEvidence(source="dopa", score=0.97, threshold=0.8, matched=True, at=at_time(1780272000)),
    LivenessEvidence(passed=True, method="passive", at=at_time(1780272000)),
)
