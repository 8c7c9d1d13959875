"""Resident identity numbers (GB 11643-1999).

18 characters: area code (6), birth date (8), sequence (3, odd = male), check character.
"""

import datetime as dt
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE18 = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_SHAPE15 = re.compile(r"^\d{15}$", re.ASCII)
_DIGITS17 = re.compile(r"\d{17}", re.ASCII)


def normalize(number: str) -> str:
    """Strip spaces and upper-case a trailing x: surveyors type both."""
    return number.strip().upper()


def check_char(first17: str) -> str:
    if not _DIGITS17.fullmatch(first17):
        raise ValueError("需要17位数字")
    return _check_char(first17)


def _check_char(first17: str) -> str:
    """For 17 characters already known to be digits: every member of every push comes here.

    The weights are 2**(17-i) mod 11, and 13 = 2 (mod 11), so the weighted sum mod 11 equals
    2 * (the digits read as one base-13 number) mod 11: one int() instead of seventeen.
    """
    return CHECK_CHARS[2 * int(first17, 13) % 11]


def problem(number: str) -> str | None:
    """Why a number is invalid, in the words shown to the surveyor; None when it is valid."""
    return checked(number)[0]


def checked(number) -> tuple[str | None, str | None]:
    """(problem, None) for an invalid number, (None, the number normalized) for a valid one.

    The shape of a field check in validation, which asks this for every member of every push.
    """
    if not isinstance(number, str):
        return "身份证号应为文本", None
    n = number.strip()
    # _SHAPE18.match(normalize(n)), without the regex engine: `\d` with re.ASCII is an ASCII
    # character isdecimal() accepts, a stripped text has no trailing newline (the one thing `$`
    # would also have matched), and digits have no case: only a number with something else in it
    # is upper-cased. Digits of another script ("６１０…") are not the number printed on a card.
    if not n.isascii():
        return _shape_problem(n), None
    if n.isdecimal():
        if len(n) != 18:
            return _shape_problem(n), None
    else:
        n = n.upper()
        if len(n) != 18 or not (n[17] == "X" and n[:17].isdecimal()):
            return _shape_problem(n), None
    try:  # "yyyymmdd", the usual: a third of what _read() costs
        born = dt.date.fromisoformat(n[6:14])
    except ValueError:  # no such date (or one fromisoformat() does not read)
        born = _read(n)[0]
    if born is None or born.year < 1800:
        return "身份证号中的出生日期无效", None
    if _check_char(n[:17]) != n[17]:
        return "身份证号校验位不正确", None
    if len(_READINGS) >= _READINGS_MAX:
        _READINGS.clear()
    _READINGS[n] = born, _sex(n)
    return None, n


def _shape_problem(n: str) -> str:
    """What is wrong with a normalized number that is not 17 digits and a check character."""
    if _SHAPE15.match(n):
        return "请填写18位身份证号（15位旧号码需升级）"
    return "身份证号应为18位，前17位为数字，末位为数字或X"


# What checked() read from the last valid numbers it passed, for read_valid(): validation checks
# every member's number, and the cross-checks then want its birth date and sex. The reading of a
# number never changes, so an entry cannot go stale; a few hundred are plenty for one document.
_READINGS: dict[str, tuple[dt.date, str]] = {}
_READINGS_MAX = 512


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
    return _read(_valid18(number))[0]


def sex(number: str) -> str:
    """'男' for an odd sequence digit, '女' for even."""
    return _read(_valid18(number))[1]


def read_valid(number: str) -> tuple[dt.date, str]:
    """(birth date, sex) of a number that checked() found valid and normalized: no second check.

    The cross-checks want both for every member, and validation has just checked the number:
    what it read is looked up rather than parsed again.
    """
    reading = _READINGS.get(number)
    return reading if reading is not None else _read(number)


def _read(n: str) -> tuple[dt.date | None, str]:
    """(birth date, or None for one that does not exist; sex) of a number of the right shape.

    Characters 7 to 14 are the birth date.
    """
    yyyymmdd = int(n[6:14])
    try:
        born = dt.date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100)
    except ValueError:
        born = None
    return born, _sex(n)


def _sex(n: str) -> str:
    """The 17th character is the sequence number's last digit: odd for a man, even for a woman."""
    return "男" if int(n[16]) % 2 else "女"


def age(number: str, on: dt.date) -> int:
    """Completed years on the given date."""
    return completed_years(birth_date(number), on)


def completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def upgrade15(number: str) -> str:
    """First-generation 15-digit numbers: insert the century (all born in 19xx), add a check."""
    n = normalize(number)
    if not _SHAPE15.match(n):
        raise ValueError("需要15位数字")
    first17 = n[:6] + "19" + n[6:]
    return first17 + check_char(first17)


def mask(number: str | None) -> str:
    """For anything posted (公示, 公告): "6105**********123X", the first and last four characters.

    Only a number of the length an ID has (18, or 15 for the first generation) keeps any of its
    characters; anything else is all stars, so a mistyped value never shows more than a real
    number would. The middle ten of an 18-character number hide the birth date and the sequence.
    """
    n = normalize(number or "")
    if len(n) not in (15, 18):
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
