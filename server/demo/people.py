"""The demo county's people: names, valid ID numbers and the members of a household.

Every value is drawn from the caller's random generator, in a fixed order, so that the same seed
makes the same county.
"""

import random
import uuid
from datetime import date, timedelta

from server.demo.areas import COUNTY
from server.domain import idcard

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "建国军华明强伟刚平红英兰秀芳霞丽敏静燕玲娟桂凤春兵勇杰涛斌超波辉鹏海亮文武志德福"


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID as a phone makes one, but drawn from the seed."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def full_name(rng: random.Random, surname: str | None = None) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def school_status(age: int) -> str:
    """A child's school year by age (every demo child of 6–17 is in school)."""
    if age < 6:
        return "学龄前儿童"
    if age <= 11:
        return f"小学{'一二三四五六'[age - 6]}年级"
    if age <= 14:
        return f"{'七八九'[age - 12]}年级"
    return f"高中{'一二三'[age - 15]}年级"


class People:
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
            "id": new_uuid(rng),
            "name": full_name(rng, surname if relation != "配偶" else None),
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
        if age <= 17:
            row["school_status"] = school_status(age)
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

    def family(self, survey: date) -> list[dict]:
        """A head, most often a spouse, up to three children, sometimes the head's mother."""
        rng = self.rng
        surname = rng.choice(SURNAMES)
        head_male = rng.random() < 0.88
        head_birth = date(rng.randint(1940, 1990), rng.randint(1, 12), rng.randint(1, 28))
        members = [self.member("户主", head_male, head_birth, surname, survey)]
        if rng.random() < 0.8:
            spouse_birth = head_birth + timedelta(days=rng.randint(-1500, 1500))
            members.append(self.member("配偶", not head_male, spouse_birth, surname, survey))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            year = min(head_birth.year + rng.randint(20, 38), 2019)
            child_birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
            male = rng.random() < 0.52
            relation = "之子" if male else "之女"
            members.append(self.member(relation, male, child_birth, surname, survey))
        if head_birth.year > 1965 and rng.random() < 0.2:
            year = head_birth.year - rng.randint(20, 30)
            mother_birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
            members.append(self.member("之母", False, mother_birth, surname, survey))
        if rng.random() < 0.02 and len(members) > 2:
            members[-1]["change_reason"] = rng.choice(["死亡", "迁出"])
            members[-1]["change_date"] = "2020-03-15"
        return members
