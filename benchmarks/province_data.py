"""A province-sized docgen database for `province.py`, built by bulk inserts through the
store's own tables (SQLAlchemy Core, the models' defaults apply) in a minute or two.

    python benchmarks/province_data.py OUT.sqlite      # build one file

The province after July 2025 (two levels): the province People's Committee and police and
164 commune People's Committees (166 bodies); 5,000 units — the communes, 536 agencies,
enterprises and schools assessed by the province, 200 units of the police, and the
residential areas of each commune (25 each); outcomes of 2021–2025 for every unit; 50,000
register entries (60 a body a year, 100 for the province's committee, a tenth of them
drafts); 300,000 household heads of 2025 spread over the residential areas; three
accounts (district, commune clerk, viewer).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

YEARS = range(2021, 2026)
COMMUNES = 164
AREAS_PER_COMMUNE = 25
PROVINCE_UNITS = 536
POLICE_UNITS = 200
DOCUMENTS_PER_BODY_YEAR = 60
HOUSEHOLDS = 300_000
PASSWORD = "mat-khau-tinh-do-hieu-nang"
USERS = {"admin": ("district", None), "vanthu": ("commune", 3), "xem": ("viewer", None)}
NUMBERED = ("plan", "decision", "report", "proposal", "safe_decision")
ABBREVIATIONS = {"plan": "KH", "decision": "QĐ", "report": "BC", "proposal": "TTr",
                 "safe_decision": "QĐ"}
CLASSES = ("xuat_sac", "kha", "trung_binh", "yeu")
SYLLABLES = ("An", "Bình", "Cẩm", "Đông", "Hà", "Hòa", "Hoằng", "Lam", "Minh", "Nga", "Ngọc",
             "Như", "Quảng", "Sơn", "Tân", "Thạch", "Thiệu", "Thọ", "Tĩnh", "Triệu", "Vĩnh",
             "Xuân", "Yên", "Lộc")


def commune_name(i: int) -> str:
    """A distinct, Vietnamese-looking commune name for 0 <= i < COMMUNES."""
    a, b = divmod(i, len(SYLLABLES))
    return f"{SYLLABLES[a % len(SYLLABLES)]} {SYLLABLES[b]}" + (f" {a // len(SYLLABLES) + 1}"
                                                                if a >= len(SYLLABLES) else "")


def build(path: Path) -> dict:
    """Write the province database to `path` (replaced); what it holds, by table."""
    from sqlalchemy import insert

    from docgen.store import Store, models
    from docgen.store.passwords import hash_password
    from docgen.vietnamese import fold

    path.unlink(missing_ok=True)
    db = Store(f"sqlite:///{path}")
    db.create_schema()
    rng = random.Random(2025)
    now = dt.datetime(2025, 12, 1, 8, 0)
    t = models.Base.metadata.tables
    names = [commune_name(i) for i in range(COMMUNES)]
    bodies = [dict(id=1, name="Ủy ban nhân dân tỉnh Thanh Hóa", abbreviation="UBND",
                   place="Thanh Hóa", level="tỉnh"),
              dict(id=2, name="Công an tỉnh Thanh Hóa", abbreviation="CAT", place="Thanh Hóa",
                   superior="BỘ CÔNG AN", level="tỉnh", parent_id=None)]
    bodies += [dict(id=3 + i, name=f"Ủy ban nhân dân xã {n}", abbreviation="UBND", place=n,
                    superior="TỈNH THANH HÓA", level="xã", commune=f"xã {n}", parent_id=1)
               for i, n in enumerate(names)]
    units = [dict(name=f"Xã {n}", kind="xa", body_id=1, commune=f"xã {n}") for n in names]
    kinds = ("co_quan", "doanh_nghiep", "co_so_giao_duc")
    units += [dict(name=f"{('Sở', 'Công ty', 'Trường')[i % 3]} số {i + 1}", kind=kinds[i % 3],
                   body_id=1, commune=f"xã {names[i % COMMUNES]}") for i in range(PROVINCE_UNITS)]
    units += [dict(name=f"Phòng nghiệp vụ {i + 1}", kind="co_quan", body_id=2)
              for i in range(POLICE_UNITS)]
    for i, n in enumerate(names):
        units += [dict(name=f"Thôn {j + 1} {n}", kind="khu_dan_cu", body_id=3 + i,
                       commune=f"xã {n}") for j in range(AREAS_PER_COMMUNE)]
    for i, u in enumerate(units, 1):
        u.update(id=i, name_key=fold(u["name"]), commune=u.get("commune", ""), note="")
    outcomes = []
    for u in units:
        for year in YEARS:
            score = rng.randint(55, 100)
            cls = CLASSES[0 if score >= 90 else 1 if score >= 75 else 2 if score >= 60 else 3]
            outcomes.append(dict(unit_id=u["id"], year=year, self_score=score,
                                 reviewed_score=score - rng.randint(0, 3), safe=score >= 80,
                                 suggested=cls, decided=cls if year < 2025 or score % 3 else None,
                                 updated_at=now))
    documents, counters = [], []
    for b in bodies:
        for year in YEARS:
            number = 0
            count = DOCUMENTS_PER_BODY_YEAR + (40 if b["id"] == 1 else 0)
            for k in range(count):
                kind = NUMBERED[k % len(NUMBERED)]
                symbol = f"/{ABBREVIATIONS[kind]}-{b['abbreviation']}"
                draft = k % 10 == 9
                if not draft:
                    number += 1
                issued = None if draft else dt.date(year, 1 + k * 11 // count,
                                                    1 + k % 28)
                documents.append(dict(
                    body_id=b["id"], kind=kind, year=year, number=None if draft else number,
                    symbol=symbol if draft else f"{number}{symbol}", issued_on=issued,
                    summary=f"Văn bản {k + 1} năm {year} về phong trào bảo vệ an ninh Tổ quốc",
                    signer_name="Nguyễn Văn Ký", created_by="admin", created_at=now,
                    status="draft" if draft else "issued", input_json=json.dumps({"note": k}),
                    docx=b"PK\x05\x06" + bytes(18)))
            counters.append(dict(body_id=b["id"], year=year, last=number))
    areas = [u for u in units if u["kind"] == "khu_dan_cu"]
    households = []
    for i in range(HOUSEHOLDS):
        area = areas[i % len(areas)]
        households.append(dict(unit_id=area["id"], year=2025, full_name=f"Lê Văn Hộ {i + 1}",
                               birth_year=1950 + i % 50, id_number=f"038{i:09d}",
                               address=f"{area['name']}, {area['commune']}"))
    users = [dict(username=name, full_name=name, password_hash=hash_password(PASSWORD),
                  role=role, body_id=body, must_change_password=False, created_at=now)
             for name, (role, body) in USERS.items()]
    held = {}
    with db.engine.begin() as conn:
        for table, rows in (("body", bodies), ("unit", units), ("assessment", outcomes),
                            ("document", documents), ("counter", counters),
                            ("household", households), ("app_user", users)):
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(t[table]), rows[start:start + 20_000])
            held[table] = len(rows)
    db.engine.dispose()
    return held


if __name__ == "__main__":
    started = time.perf_counter()
    made = build(Path(sys.argv[1]))
    print(made, f"{time.perf_counter() - started:.1f} s")
