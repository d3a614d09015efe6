"""The sample district loaded into an empty database: Quan Sơn (Thanh Hóa) in 2022, from
samples/quan-son-2022/decision.json — three bodies, their signers, the 44 units with the
classes of the 2022 decision, scores consistent with the shipped policy, a 2021 year for
"last year's class", and a few households of two residential areas."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import domain
from ..policy import SHIPPED, Policy, load_policy
from ..samples import load_sample
from ..vietnamese import fold
from .models import Assessment, Body, Household, Signer, Unit

YEAR = 2022
# Which commune each sample unit lies in (sample data, for the commitment forms' address).
COMMUNES = {
    "Khu phố Sơn Lư 1": "Thị trấn Sơn Lư", "Khu phố Sơn Lư 2": "Thị trấn Sơn Lư",
    "Bản Na Mèo": "Xã Na Mèo", "Bản Sa Ná": "Xã Na Mèo", "Bản Cha Khót": "Xã Trung Xuân",
    "Bản Mùa Xuân": "Xã Trung Xuân", "Bản Bôn": "Xã Mường Mìn", "Bản Chiềng": "Xã Sơn Thủy",
    "Bản Pọng": "Xã Sơn Điện", "Bản Ngàm": "Xã Tam Thanh",
    "Trường THCS Sơn Lư": "Thị trấn Sơn Lư", "Trường Tiểu học Trung Xuân": "Xã Trung Xuân",
    "Trường Mầm non Na Mèo": "Xã Na Mèo", "Trường PTDTBT THCS Mường Mìn": "Xã Mường Mìn",
    "Trường Tiểu học Sơn Điện": "Xã Sơn Điện",
}
# Notes that describe the unit itself rather than the year's outcome.
UNIT_NOTES = {"Bản Na Mèo"}
# One decision that departs from the policy's suggestion, with the committee's reason.
OVERRIDES = {
    "Bản Bôn": (72.0, False, "Để xảy ra vụ việc phức tạp về ma túy trên địa bàn; Ban Chỉ đạo "
                             "thống nhất hạ một bậc so với mức đề xuất"),
}
HOUSEHOLDS = {
    "Bản Na Mèo": [
        ("Lò Văn Xuân", 1968, "038068001245", ""), ("Vi Thị Hoa", 1975, "038175003318", ""),
        ("Lương Văn Thắng", 1982, "038082004471", ""), ("Hà Thị Lan", 1990, "038190002256", ""),
        ("Phạm Bá Tình", 1979, "", ""),
    ],
    "Khu phố Sơn Lư 1": [
        ("Nguyễn Văn Bình", 1965, "038065000123", "Số 12, phố Sơn Lư"),
        ("Trương Thị Mai", 1972, "038172000456", "Số 27, phố Sơn Lư"),
        ("Lê Đình Khoa", 1985, "038085000789", "Số 5, ngõ 3, phố Sơn Lư"),
        ("Cầm Thị Nga", 1988, "", "Số 40, phố Sơn Lư"),
    ],
}
# (low, span) of the reviewed score per class; the shipped policy's thresholds fall outside.
SCORE_BANDS = {"xuat_sac": (90, 8), "kha": (72, 16), "trung_binh": (52, 15), "yeu": (35, 12)}


def _bodies(session: Session) -> tuple[Body, Body, Body]:
    ubnd = Body(name="Ủy ban nhân dân huyện Quan Sơn", abbreviation="UBND", place="Quan Sơn",
                superior="", level="huyện", proposer="Trưởng Công an huyện")
    ubnd.signers = [
        Signer(name="Lò Văn Hùng", position="Phó Chủ tịch", authority="KT.",
               on_behalf="Chủ tịch"),
        Signer(name="Lương Tiến Thành", position="Chủ tịch", authority="TM.",
               on_behalf="Ủy ban nhân dân"),
    ]
    bcd = Body(name="Ban Chỉ đạo 138 huyện Quan Sơn", abbreviation="BCĐ", place="Quan Sơn",
               superior="UBND huyện Quan Sơn", level="huyện")
    bcd.signers = [Signer(name="Lương Tiến Thành", position="Trưởng ban\nChủ tịch UBND huyện")]
    police = Body(name="Công an huyện Quan Sơn", abbreviation="CAH", place="Quan Sơn",
                  superior="Công an tỉnh Thanh Hóa", level="huyện")
    police.signers = [
        Signer(name="Hà Văn Tuấn", position="Trưởng Công an huyện"),
        Signer(name="Phạm Đức Minh", position="Phó Trưởng Công an huyện", authority="KT.",
               on_behalf="Trưởng Công an huyện"),
    ]
    for body in (ubnd, bcd, police):  # one by one, so ids follow this order
        session.add(body)
        session.flush()
    bcd.parent_id = ubnd.id
    session.flush()
    return ubnd, bcd, police


def _previous_class(code: str, i: int) -> str:
    """Last year's class: mostly the same, some one class lower or higher."""
    rank = domain.unit_class(code).rank + (0, 0, 1, 0, -1)[i % 5]
    rank = min(max(rank, 1), len(domain.UNIT_CLASSES))
    return domain.UNIT_CLASSES[rank - 1].code


def _outcome(unit_id: int, year: int, code: str, i: int, policy: Policy) -> Assessment:
    low, span = SCORE_BANDS[code]
    reviewed = float(low + (i * 5) % span)
    safe = code in ("xuat_sac", "kha") or (code == "trung_binh" and i % 3 == 0)
    self_score = min(100.0, reviewed + i % 4)
    return Assessment(unit_id=unit_id, year=year, self_score=self_score, reviewed_score=reviewed,
                      safe=safe, suggested=policy.suggest(reviewed, safe), decided=code)


def load_sample_district(session: Session, *, policy: Policy | None = None) -> None:
    """Insert the sample district into `session` (the caller checks the database is empty).

    Suggestions use the shipped example policy unless `policy` is given, so the sample's
    scores and classes agree with it.
    """
    policy = policy or load_policy(SHIPPED)
    ubnd, _bcd, _police = _bodies(session)
    decision = load_sample("decision")
    units: dict[str, Unit] = {}
    for i, item in enumerate(decision["units"]):
        name = item["name"]
        kind = domain.unit_kind(item["kind"])
        note = item.get("note", "") if name in UNIT_NOTES else ""
        commune = name if kind.code == "xa" else COMMUNES.get(name, "")
        unit = Unit(name=name, name_key=fold(name), kind=kind.code, commune=commune,
                    body_id=ubnd.id, note=note)
        session.add(unit)
        session.flush()
        units[name] = unit
        code = domain.unit_class(item["grade"]).code
        row = _outcome(unit.id, YEAR, code, i, policy)
        if name in OVERRIDES:
            score, safe, reason = OVERRIDES[name]
            row.reviewed_score, row.self_score, row.safe = score, score + 3, safe
            row.suggested, row.reason = policy.suggest(score, safe), reason
        if name not in UNIT_NOTES:
            # The sample list prints the reason after the note (prefill.list_note adds it
            # from `reason`): the stored note is what precedes it.
            row.note = item.get("note", "").split("; đề xuất loại")[0]
        session.add(row)
        session.add(_outcome(unit.id, YEAR - 1, _previous_class(code, i), i + 1, policy))
    for area, people in HOUSEHOLDS.items():
        for full_name, birth_year, id_number, address in people:
            session.add(Household(unit_id=units[area].id, year=YEAR, full_name=full_name,
                                  birth_year=birth_year, id_number=id_number, address=address))
    session.flush()


def sample_year() -> int:
    """The year the sample's decision classifies (the year its grid opens on)."""
    return YEAR
