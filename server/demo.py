"""A realistic demo county, made deterministically from a seed.

Five townships of about eight villages each, households spread around the campaign lines, members
with valid ID numbers, and the demo accounts. Written with bulk inserts so that 100,000 households
seed in well under a minute on SQLite.
"""

import contextlib
import multiprocessing
import os
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import column, insert, table, text
from sqlalchemy.sql.expression import TableClause

from server.core.jsontext import dumps as json_dumps
from server.domain import idcard
from server.domain.income import is_counted
from server.extensions import db
from server.households.derived import derived_columns
from server.households.derived import member_rows as member_rows_of
from server.identity.tokens import hash_password
from server.models import Area, Campaign, Counter, Household, Member, Revision, User, UserArea

COUNTY = ("610526", "青山县")
TOWNSHIPS = ["城关镇", "青龙镇", "白河乡", "石门镇", "柳湾乡"]
VILLAGE_STEMS = [
    "东坪",
    "西沟",
    "南岭",
    "北塬",
    "石桥",
    "杨家",
    "李家",
    "王庄",
    "柳树",
    "枣林",
    "马坊",
    "高庙",
    "孙家",
    "三合",
    "新联",
    "红星",
    "龙泉",
    "白杨",
    "东风",
    "双河",
    "清水",
    "塔寺",
    "梁家",
    "赵湾",
    "黄土",
    "上坪",
    "下坪",
    "牛家",
    "槐树",
    "果园",
    "店子",
    "前进",
    "团结",
    "胜利",
    "和平",
    "长乐",
    "永安",
    "太平",
    "兴隆",
    "金盆",
]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国军华明强伟刚平红英兰秀芳霞丽敏静燕玲娟桂凤春兵勇杰涛斌超波辉鹏海亮文武志德福"
CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
]
RISKS = [
    "因病",
    "因学",
    "因残",
    "因自然灾害",
    "因意外事故",
    "因产业失败",
    "因务工就业不稳",
    "因缺劳动力",
]
PASSWORD = "demo12345"

EXIT_CAMPAIGN_LINES = [
    # Source 000: "人均纯收入稳定超过4000元" and "人均纯收入5000元以下且存在返贫致贫风险".
    {
        "key": "exit",
        "label": "退出标准4000元",
        "purpose": "exit",
        "amount": "4000.00",
        "comparison": "超过",
    },
    {
        "key": "monitoring",
        "label": "监测标准5000元",
        "purpose": "monitoring",
        "amount": "5000.00",
        "comparison": "以下",
    },
]
LOOKBACK_LINES = [
    # Source 001: "年人均纯收入低于4500元、5000元的农村人口 … 分别统计".
    {
        "key": "below_4500",
        "label": "低于4500元",
        "purpose": "statistic",
        "amount": "4500.00",
        "comparison": "低于",
    },
    {
        "key": "below_5000",
        "label": "低于5000元",
        "purpose": "statistic",
        "amount": "5000.00",
        "comparison": "低于",
    },
    {
        "key": "monitoring",
        "label": "监测标准5000元",
        "purpose": "monitoring",
        "amount": "5000.00",
        "comparison": "低于",
    },
]


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def _money(value: float) -> str:
    return str(Decimal(int(round(value))).quantize(Decimal("0.01")))


class _People:
    """Members made by one chunk of households.

    ID numbers stay unique across the county because chunk k only uses the sequence numbers
    k, k + stride, k + 2·stride ... of each birth date (and a neighbouring area code past 999).
    """

    def __init__(self, rng: random.Random, chunk: int = 0, stride: int = 1):
        self.rng = rng
        self.chunk = chunk
        self.stride = stride
        self.seq: dict[date, int] = {}

    def id_number(self, birth: date, male: bool) -> str:
        n = self.seq.get(birth, 0)
        self.seq[birth] = n + 1
        index = n * self.stride + self.chunk
        area = int(COUNTY[0]) + index // 499
        return idcard.make(str(area), birth, (index % 499) * 2 + (1 if male else 2))

    def member(self, relation: str, male: bool, birth: date, surname: str, survey: date) -> dict:
        rng = self.rng
        age = survey.year - birth.year
        row = {
            "id": _uuid(rng),
            "name": _name(rng, surname if relation != "配偶" else None),
            "id_number": self.id_number(birth, male),
            "sex": "男" if male else "女",
            "relation": relation,
            "ethnicity": "汉族" if rng.random() < 0.95 else "回族",
            "political": "中共党员" if rng.random() < 0.06 and age > 25 else "群众",
            "medical_insurance": "城乡居民基本医疗保险" if rng.random() < 0.985 else None,
            "serious_illness_insurance": True,
            "pension_insurance": age >= 16,
            "public_job": False,
            "dibao": False,
            "tekun": False,
            "soldier": False,
        }
        health = "健康"
        roll = rng.random()
        if roll < 0.08:
            health = "长期慢性病"
        elif roll < 0.11:
            health = "患有大病"
        elif roll < 0.15 and age > 10:
            health = "残疾"
            row["disability_kind"] = rng.choice(["视力", "听力", "肢体", "智力", "精神"])
            row["disability_grade"] = rng.randint(1, 4)
        row["health"] = [health]
        if age < 6:
            row["school_status"] = "学龄前儿童"
        elif age <= 11:
            row["school_status"] = f"小学{'一二三四五六'[age - 6]}年级"
        elif age <= 14:
            row["school_status"] = f"{'七八九'[age - 12]}年级"
        elif age <= 17:
            row["school_status"] = f"高中{'一二三'[age - 15]}年级"
        else:
            row["education"] = rng.choice(["文盲或半文盲", "小学", "初中", "初中", "高中"])
        if age < 16 or age > 75:
            row["labour"] = "无劳动力"
        elif health in ("患有大病", "残疾"):
            row["labour"] = "丧失劳动力" if rng.random() < 0.5 else "弱劳动力或半劳动力"
        elif age > 60:
            row["labour"] = "弱劳动力或半劳动力"
        else:
            row["labour"] = "技能劳动力" if rng.random() < 0.15 else "普通劳动力"
            if rng.random() < 0.45:
                row["migrant_place"] = rng.choice(["乡镇外县内", "县外省内", "省外"])
                row["migrant_months"] = rng.randint(3, 11)
        if row["medical_insurance"] is None:
            del row["medical_insurance"]
        return row


def _household(
    rng: random.Random,
    people: _People,
    village_code: str,
    n: int,
    survey: date,
    visited: bool = True,
) -> dict:
    surname = rng.choice(SURNAMES)
    head_male = rng.random() < 0.88
    head_birth = date(rng.randint(1940, 1990), rng.randint(1, 12), rng.randint(1, 28))
    members = [people.member("户主", head_male, head_birth, surname, survey)]
    if rng.random() < 0.8:
        spouse_birth = head_birth + timedelta(days=rng.randint(-1500, 1500))
        members.append(people.member("配偶", not head_male, spouse_birth, surname, survey))
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        child_birth = date(
            min(head_birth.year + rng.randint(20, 38), 2019), rng.randint(1, 12), rng.randint(1, 28)
        )
        male = rng.random() < 0.52
        members.append(
            people.member("之子" if male else "之女", male, child_birth, surname, survey)
        )
    if head_birth.year > 1965 and rng.random() < 0.2:
        members.append(
            people.member(
                "之母",
                False,
                date(head_birth.year - rng.randint(20, 30), rng.randint(1, 12), rng.randint(1, 28)),
                surname,
                survey,
            )
        )
    if rng.random() < 0.02 and len(members) > 2:
        members[-1]["change_reason"] = rng.choice(["死亡", "迁出"])
        members[-1]["change_date"] = "2020-03-15"

    status = rng.choices(
        ["已脱贫", "未脱贫", "脱贫不稳定户", "边缘易致贫户", "非建档立卡户"], [60, 4, 5, 6, 25]
    )[0]
    size = sum(1 for m in members if is_counted(m))
    # Per-capita net income spread around the lines: most above, a tail below 4000–5000.
    per_capita = max(800.0, rng.lognormvariate(8.95, 0.42))
    net = per_capita * size
    migrants = sum(1 for m in members if m.get("migrant_place"))
    wage = net * (0.55 if migrants else 0.15) * rng.uniform(0.8, 1.2)
    cost = net * rng.uniform(0.05, 0.2)
    farming = max(0.0, net - wage + cost) * 0.7
    transfer = max(0.0, net - wage - farming + cost)
    danger = rng.choices(["A", "B", "C", "D"], [70, 27, 2, 1])[0]
    returned = round(rng.uniform(0, 2), 1) if rng.random() < 0.4 else 0
    income = {
        "wage_migrant" if migrants else "wage_local": _money(wage),
        "business_farming": _money(farming),
        "transfer_other": _money(transfer * 0.6),
        "transfer_pension": _money(transfer * 0.4) if transfer * 0.4 >= 88 else "0.00",
        "cost_business": _money(cost),
    }
    if returned:
        income["transfer_eco"] = _money(returned * 250)
    registered = status != "非建档立卡户" and status not in ("边缘易致贫户", "突发严重困难户")
    section = {
        "group": rng.choice(GROUPS[:4]),
        "household_no": f"{village_code}{n:04d}",
        "phone": f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
        "status": status,
        "land_cultivated": f"{rng.uniform(0.5, 8):.1f}",
        "land_forest": f"{returned + rng.uniform(0, 3):.1f}",
        "land_returned": f"{returned:.1f}",
        "land_pasture": "0",
        "power_production": True,
        "power_household": True,
        "radio_tv": True,
        "road_distance": f"{rng.uniform(0, 3):.1f}",
        "road_type": rng.choice(["水泥路", "水泥路", "砂石路"]),
        "housing_area": str(rng.randint(40, 160)),
        "danger_grade": danger,
        "relocated": rng.random() < 0.05,
        "water_safe": True,
        "water_difficult": False,
        "fuel": rng.choice(["柴草", "煤炭", "清洁能源"]),
        "sanitary_toilet": rng.random() < 0.7,
    }
    if registered:
        section["standard"] = "国家标准"
        section["attribute"] = rng.choices(
            ["一般贫困户", "低保贫困户", "特困供养贫困户"], [80, 17, 3]
        )[0]
    if status in ("已脱贫", "脱贫不稳定户"):
        section["exit_year"] = rng.randint(2014, 2019)
    if status == "未脱贫":
        section["planned_exit_year"] = 2020
    water_ok = rng.random() > 0.01
    causes = {"risks": [], "sudden_hardship": False}
    if status in ("未脱贫", "已脱贫", "脱贫不稳定户"):
        causes["main_cause"] = rng.choice(CAUSES)
        causes["other_causes"] = []
    if status in ("脱贫不稳定户", "边缘易致贫户") or rng.random() < 0.05:
        causes["risks"] = [rng.choice(RISKS)]
        causes["risk_note"] = (
            "家庭成员患病，医疗支出较大" if causes["risks"][0] == "因病" else "需持续关注"
        )
    return {
        "household": section,
        "members": members,
        "income": income,
        "guarantees": {
            "food_secure": True,
            "clothing_secure": True,
            "education_ok": rng.random() > 0.003,
            "water_quantity_ok": water_ok,
            "water_quality_ok": True,
            "water_convenient_ok": True,
            "water_reliable_ok": True,
        },
        "causes": causes,
        "helpers": [
            {
                "id": _uuid(rng),
                "name": _name(rng),
                "kind": "结对帮扶责任人",
                "unit": "青山县农业农村局",
                "title": "干部",
                "phone": f"139{rng.randint(10000000, 99999999)}",
                "date_from": "2018-03-01",
                "date_to": None,
            }
        ]
        if registered
        else [],
        "measures": [
            {
                "id": _uuid(rng),
                "measure": "产业扶持",
                "member_id": None,
                "amount": _money(rng.choice([1000, 2000, 3000])),
                "year": 2020,
            }
        ]
        if registered
        else [],
        "signoff": {"surveyor": "赵敏", "visit_date": f"2020-10-{rng.randint(2, 20):02d}"}
        if visited
        else {},
    }


CHUNK = 2000  # households made by one worker task


def _raw(model) -> TableClause:
    """The model's table with untyped columns: the workers hand over JSON already serialised and
    timestamps already formatted, so nothing is converted twice on the one writing process."""
    return table(model.__tablename__, *[column(c.name) for c in model.__table__.columns])


def _stamp(moment: datetime, dialect: str) -> str:
    """A timestamp as the dialect's column stores it (SQLAlchemy's SQLite format, or ISO)."""
    if dialect == "sqlite":
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment.isoformat()


def _pool(tasks: int):
    """Two processes make households while this one writes them; alone for small counties."""
    if tasks < 3:
        return contextlib.nullcontext(None)
    return multiprocessing.get_context("fork").Pool(processes=max(1, min(2, os.cpu_count() or 1)))


def _chunk(task) -> tuple[list, list, list]:
    """Rows for households [k·CHUNK, (k+1)·CHUNK): deterministic from (seed, k) alone."""
    random_seed, k, size, total, villages, township_of, now = task
    rng = random.Random(random_seed * 100003 + k)
    as_json = json_dumps
    people = _People(rng, chunk=k, stride=-(-total // size))
    survey = date(2020, 10, 1)
    hh_rows, member_rows, revision_rows = [], [], []
    for n in range(k * size, min(total, (k + 1) * size)):
        vid, vcode = villages[n % len(villages)]
        state = rng.choices(["draft", "submitted", "approved"], [50, 30, 20])[0]
        visited = state != "draft" or rng.random() < 0.3
        document = _household(rng, people, vcode, n // len(villages) + 1, survey, visited)
        hid = _uuid(rng)
        derived = derived_columns(document, EXIT_CAMPAIGN_LINES)
        document_json = as_json(document)  # once, for the household and its first revision
        hh_rows.append(
            {
                "id": hid,
                "village_id": vid,
                "township_id": township_of[vid],
                "campaign_id": 1,
                "version": 1,
                "document": document_json,
                "review_state": state,
                "review_note": None,
                "conflict_open": False,
                "parallel_note": False,
                "deleted": False,
                "change_seq": n + 1,
                "created_at": now,
                "updated_at": now,
                "updated_by": None,
                **derived,
                "summary": as_json(derived["summary"]),
                "line_flags": as_json(derived["line_flags"]),
            }
        )
        member_rows += [dict(m, household_id=hid) for m in member_rows_of(document["members"])]
        revision_rows.append(
            {
                "household_id": hid,
                "version": 1,
                "base_version": 0,
                "kind": "create",
                "author_id": None,
                "device_id": None,
                "op_id": None,
                "changes": "{}",
                "document": document_json,
                "result": None,
                "note": "演示数据",
                "created_at": now,
            }
        )
    return hh_rows, member_rows, revision_rows


def _areas() -> tuple[list[dict], dict]:
    rows, tree = [], {}
    county_id = 1
    rows.append(
        {
            "id": county_id,
            "parent_id": None,
            "code": COUNTY[0],
            "name": COUNTY[1],
            "level": "county",
            "path": f"/{county_id}/",
        }
    )
    next_id = 2
    stems = iter(VILLAGE_STEMS)
    for t, township in enumerate(TOWNSHIPS, start=1):
        tid = next_id
        next_id += 1
        rows.append(
            {
                "id": tid,
                "parent_id": county_id,
                "code": f"{COUNTY[0]}{t:03d}",
                "name": township,
                "level": "township",
                "path": f"/{county_id}/{tid}/",
            }
        )
        tree[tid] = []
        for v in range(1, 9):
            vid = next_id
            next_id += 1
            code = f"{COUNTY[0]}{t:03d}{v:03d}"
            rows.append(
                {
                    "id": vid,
                    "parent_id": tid,
                    "code": code,
                    "name": next(stems) + "村",
                    "level": "village",
                    "path": f"/{county_id}/{tid}/{vid}/",
                }
            )
            tree[tid].append((vid, code))
            for g, group in enumerate(GROUPS[:4], start=1):
                gid = next_id
                next_id += 1
                rows.append(
                    {
                        "id": gid,
                        "parent_id": vid,
                        "code": f"{code}{g:02d}",
                        "name": group,
                        "level": "group",
                        "path": f"/{county_id}/{tid}/{vid}/{gid}/",
                    }
                )
    return rows, tree


def seed(households: int = 12000, random_seed: int = 2020) -> dict:
    started = time.perf_counter()
    area_rows, tree = _areas()
    conn = db.session
    conn.execute(insert(Area.__table__), area_rows)
    exit_campaign = {
        "id": 1,
        "name": "2020年度贫困退出验收和脱贫成果检视",
        "kind": "退出验收",
        "area_id": 1,
        "year": 2020,
        "period_start": date(2019, 10, 1),
        "period_end": date(2020, 9, 30),
        "lines": EXIT_CAMPAIGN_LINES,
        "form_id": "annex1",
        "active": True,
        "stages": [
            {"name": "入户调查", "due": "2020-10-20"},
            {"name": "乡镇审核", "due": "2020-10-31"},
            {"name": "县级验收", "due": "2020-11-15"},
        ],
    }
    lookback = {
        "id": 2,
        "name": "2019年脱贫质量“回头看”",
        "kind": "回头看",
        "area_id": 1,
        "year": 2019,
        "period_start": date(2018, 1, 1),
        "period_end": date(2018, 12, 31),
        "lines": LOOKBACK_LINES,
        "form_id": "annex1",
        "active": True,
        "stages": [
            {"name": "村级入户统计", "due": "2019-04-30"},
            {"name": "办事处汇总", "due": "2019-05-10"},
            {"name": "部门比对", "due": "2019-05-20"},
            {"name": "区级审定", "due": "2019-05-31"},
        ],
    }
    conn.execute(insert(Campaign.__table__), [exit_campaign, lookback])
    townships = list(tree)
    villages = [v for t in townships for v in tree[t]]
    township_of = {vid: t for t in townships for vid, _ in tree[t]}
    first_township = townships[0]
    users = [
        (
            "demo-surveyor",
            "赵敏",
            "surveyor",
            [tree[first_township][0][0], tree[first_township][1][0]],
        ),
        ("demo-reviewer", "钱进", "reviewer", [first_township]),
        ("demo-county", "孙立", "county", [1]),
        ("demo-admin", "李管", "admin", []),
    ]
    password = hash_password(PASSWORD)  # one hash for all demo accounts: scrypt is slow on purpose
    for i, (username, name, role, area_ids) in enumerate(users, start=1):
        conn.execute(
            insert(User.__table__).values(
                id=i,
                username=username,
                name=name,
                role=role,
                password_hash=password,
                active=True,
                scope_version=1,
                created_at=datetime.now(UTC),
            )
        )
        for area_id in area_ids:
            conn.execute(insert(UserArea.__table__).values(user_id=i, area_id=area_id))

    now = _stamp(datetime.now(UTC), db.engine.dialect.name)
    chunks = [
        (random_seed, k, CHUNK, households, villages, township_of, now)
        for k in range(-(-households // CHUNK))
    ]
    counts = {"households": 0, "members": 0}
    with _pool(len(chunks)) as pool:
        results = pool.imap(_chunk, chunks) if pool else map(_chunk, chunks)
        for hh_rows, member_rows, revision_rows in results:
            conn.execute(insert(_raw(Household)), hh_rows)
            conn.execute(insert(_raw(Member)), member_rows)
            conn.execute(insert(_raw(Revision)), revision_rows)
            counts["households"] += len(hh_rows)
            counts["members"] += len(member_rows)
    seq = households
    conn.execute(insert(Counter.__table__).values(name="change_seq", value=seq))
    _advance_sequences()
    db.session.commit()
    return {
        "townships": len(townships),
        "villages": len(villages),
        **counts,
        "seconds": time.perf_counter() - started,
    }


def _advance_sequences() -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind; move them on."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in ("area", "user_account", "campaign", "revision"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"
            )
        )
