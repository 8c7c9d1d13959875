"""Resident identity numbers (GB 11643-1999).

18 characters: area code (6), birth date (8), sequence (3, odd = male), check character.
"""

import datetime as dt
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE18 = re.compile(r"^\d{17}[\dX]$")
_SHAPE15 = re.compile(r"^\d{15}$")


def normalize(number: str) -> str:
    """Strip spaces and upper-case a trailing x: surveyors type both."""
    return number.strip().upper()


def check_char(first17: str) -> str:
    if not re.fullmatch(r"\d{17}", first17):
        raise ValueError("需要17位数字")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _date_or_none(yyyymmdd: str) -> dt.date | None:
    try:
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def problem(number: str) -> str | None:
    """Why a number is invalid, in the words shown to the surveyor; None when it is valid."""
    if not isinstance(number, str):
        return "身份证号应为文本"
    n = normalize(number)
    if _SHAPE15.match(n):
        return "请填写18位身份证号（15位旧号码需升级）"
    if not _SHAPE18.match(n):
        return "身份证号应为18位，前17位为数字，末位为数字或X"
    birth = _date_or_none(n[6:14])
    if birth is None or birth.year < 1800:
        return "身份证号中的出生日期无效"
    if check_char(n[:17]) != n[17]:
        return "身份证号校验位不正确"
    return None


def is_valid(number: str) -> bool:
    return problem(number) is None


def _valid18(number: str) -> str:
    n = normalize(number)
    if _SHAPE15.match(n):
        n = upgrade15(n)
    reason = problem(n)
    if reason:
        raise ValueError(reason)
    return n


def birth_date(number: str) -> dt.date:
    n = _valid18(number)
    return dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))


def sex(number: str) -> str:
    """'男' for an odd sequence digit, '女' for even."""
    return "男" if int(_valid18(number)[16]) % 2 else "女"


def age(number: str, on: dt.date) -> int:
    """Completed years on the given date."""
    born = birth_date(number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def upgrade15(number: str) -> str:
    """First-generation 15-digit numbers: insert the century (all born in 19xx), add a check."""
    n = normalize(number)
    if not _SHAPE15.match(n):
        raise ValueError("需要15位数字")
    first17 = n[:6] + "19" + n[6:]
    return first17 + check_char(first17)


def mask(number: str) -> str:
    """For public notices: keep the first and last four characters."""
    n = normalize(number)
    if len(n) <= 8:
        return "*" * len(n)
    return n[:4] + "*" * (len(n) - 8) + n[-4:]


def make(area_code: str, birth: dt.date | str, seq: int) -> str:
    """Build a valid number (demo data, tests). seq is 0–999; odd for men."""
    if not re.fullmatch(r"\d{6}", area_code):
        raise ValueError("地区码应为6位数字")
    if isinstance(birth, str):
        birth = dt.date.fromisoformat(birth)
    if not 0 <= seq <= 999:
        raise ValueError("顺序码应为0至999")
    first17 = f"{area_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
