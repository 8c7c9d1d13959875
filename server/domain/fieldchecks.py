"""One check per field type: check(value) -> (problem, parsed), made once per field.

The form compiler (validation.compiled) calls checker() once for each field of a definition, so
that its label, messages, options, pattern and bounds are read once per process, not once per
value. Each check reads the wire form phones send first ("1234.50", "2020-10-12", an 18-digit ID
number, a listed option) without a call, and leaves anything else to the general reading, which
words the problem.
"""

import datetime as dt
import re
from decimal import Decimal

from server.domain import idcard, money

PHONE = re.compile(r"^1\d{10}$", re.ASCII)
_INTEGER = re.compile(r"-?\d+", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ATTACHMENT = re.compile(r"[0-9A-Za-z-]{8,64}")
#: A row id: a UUID made on the device, in the form crypto.randomUUID() and str(uuid4()) write.
ROW_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
#: What no text of a form holds: control characters (a tab and a line break are text) and the
#: halves of a UTF-16 pair alone, which no database and no UTF-8 page can write.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: A text field that states no maximum length still has one: the form's JSON is the place to state
#: it (tests/unit/test_forms.py asks every text field to), this is what a forgotten one gets.
TEXT_MAX = 500
#: The longest text of digits read with int(): every bound of a form is far shorter.
_INT_DIGITS = 40
#: A value repeated in a message: at most this many characters of it.
QUOTED_MAX = 20
#: The extra things a position may carry besides its latitude and longitude.
_GPS_EXTRA = frozenset({"accuracy"})
_GPS_KEYS = frozenset({"lat", "lng"})


# --- one checker per field type: check(value) -> (problem, parsed) --------------------------


def checker(field: dict):
    """The field's check with everything it needs from the definition read now, bounds included."""
    label = field["label"]
    make = _CHECKERS.get(field["type"])
    if make is None:
        unknown = f"{label}的类型未知"
        return lambda value: (unknown, None)
    return make(field, label)


def _text(field, label):
    max_length = field.get("max_length", TEXT_MAX)
    too_long, wrong = f"{label}不能超过{max_length}个字", f"{label}应为文本"
    unwritable = f"{label}含有无法保存的字符"
    pattern = re.compile(field["pattern"]) if "pattern" in field else None
    mismatch = field.get("pattern_message", f"{label}格式不正确")

    def check(value):
        if type(value) is not str:
            return wrong, None
        if len(value) > max_length:
            return too_long, None
        if not value.isprintable() and UNWRITABLE.search(value):
            return unwritable, None
        if pattern is not None and not pattern.fullmatch(value):
            return mismatch, None
        return None, value

    return check


def quoted(value) -> str:
    """A value as a message repeats it: the beginning of a text that holds nothing unwritable."""
    if type(value) is not str or UNWRITABLE.search(value):
        return ""
    return value if len(value) <= QUOTED_MAX else value[:QUOTED_MAX] + "…"


def is_row_id(value) -> bool:
    """A UUID made on the device. Every row of every pushed document is asked, most of them
    again and again (a household's rows come back with each of its edits): an id found valid
    is remembered, which a set answers in a tenth of the regex's time."""
    if type(value) is not str:
        return False
    if value in _ROW_IDS:
        return True
    if len(value) != 36 or ROW_ID.fullmatch(value) is None:
        return False
    if len(_ROW_IDS) >= _ROW_IDS_MAX:
        _ROW_IDS.clear()
    _ROW_IDS.add(value)
    return True


_ROW_IDS: set[str] = set()
_ROW_IDS_MAX = 4096


def _integer(field, label):
    wrong, within = f"{label}应为整数", _within(field, label)
    low, high = (_int_if_whole(bound) for bound in _bounds(field))

    def check(value):
        if type(value) is int and low <= value <= high:  # the usual answer, without a call
            return None, value
        if isinstance(value, bool):
            return wrong, None
        if isinstance(value, int):
            return within(value)
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            # int() refuses more than 4300 digits; Decimal reads any number of them
            return within(int(value) if len(value) <= _INT_DIGITS else Decimal(value.strip()))
        return wrong, None

    return check


def _decimal(field, label):
    wrong, within = f"{label}应为数字", _within(field, label)
    low, high = _bounds(field)

    def check(value):
        if type(value) is str and value.isascii() and value.replace(".", "", 1).isdecimal():
            number = Decimal(value)  # unsigned, as devices send it: no space to strip, no call
        else:
            number = _read_decimal(value)
            if number is None:
                return wrong, None
        if low <= number <= high:
            return None, number
        return within(number)

    return check


def _read_decimal(value) -> Decimal | None:
    """The number a decimal field reads in a value, None when it is not one."""
    if type(value) is str:  # the wire form, asked first
        text = value.strip()
    elif isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    else:
        text = repr(value) if isinstance(value, float) else str(value).strip()
    return money.read_plain(text)  # the text a decimal field accepts is that of an amount


def _money(field, label):
    wrong, too_precise = f"{label}应为金额（如 1234.50）", f"{label}最多保留两位小数"
    within = _within(field, label)
    low, high = _bounds(field)

    def check(value):
        if (
            type(value) is str
            and value[-3:-2] == "."
            and value.isascii()
            and value.replace(".", "", 1).isdecimal()
        ):
            amount = Decimal(value)  # "1234.50", what devices send: unsigned, two places, no space
            if low <= amount <= high:
                return None, amount
            return within(amount)
        try:  # anything else: money's own reading, which says what is wrong with it
            amount, places = money.parse_with_places(value)
        except money.MoneyError:
            return wrong, None
        if places > 2:
            return too_precise, None
        return within(amount)

    return check


def _select(field, label):
    options, one_only = field.get("options", []), f"{label}只能选择一项"
    texts, not_one = option_texts(options), f"{label}应为一个选项"

    def check(value):
        if type(value) is str and value in texts:  # a listed option, the usual answer
            return None, value
        if isinstance(value, list):
            return one_only, None
        if value not in options:
            return (_not_listed(label, value) if type(value) is str else not_one), None
        return None, value

    return check


def _not_listed(label: str, value) -> str:
    """The message for a value no option is, the value repeated when it is a short plain text."""
    text = quoted(value)
    return f"{label}的选项“{text}”无效" if text else f"{label}的选项无效"


def _multiselect(field, label):
    options, has_max, most = field.get("options", []), "max" in field, field.get("max")
    too_many = f"{label}最多选择{most}项"
    texts = option_texts(options)

    def check(value):
        if not isinstance(value, list):
            return f"{label}应为多选列表", None
        for v in value:
            if not (type(v) is str and v in texts) and v not in options:
                return _not_listed(label, v), None  # the first one
        if len(value) > 1 and len(set(value)) != len(value):  # one choice has no duplicate
            return f"{label}有重复选项", None
        if has_max and len(value) > most:
            return too_many, list(value)
        return None, list(value)

    return check


def option_texts(options) -> frozenset:
    """The options that are text, as a set: a text value is in it exactly when it is listed.

    (Text equals only text of the same hash.) Options of other types are left to the list.
    """
    try:
        return frozenset(o for o in options if type(o) is str)
    except TypeError:  # options that are not a list: the list's own test decides
        return frozenset()


def _boolean(field, label):
    wrong = f"{label}应为“是”或“否”"
    return lambda value: (None, value) if isinstance(value, bool) else (wrong, None)


def _date(field, label):
    wrong = f"{label}应为日期（年-月-日）"

    def check(value):
        if type(value) is str and len(value) == 10 and value[4] == value[7] == "-":
            try:  # fromisoformat() reads "yyyy-mm-dd" of ASCII digits only at this length
                return None, dt.date.fromisoformat(value)
            except ValueError:
                pass  # the general test below words it
        try:
            if not isinstance(value, str) or not _DATE.fullmatch(value):
                raise ValueError
            return None, dt.date.fromisoformat(value)
        except ValueError:
            return wrong, None

    return check


def _idcard(field, label):
    return idcard.checked  # (problem, None) or (None, the number normalized)


def _phone(field, label):
    def check(value):
        if (
            type(value) is str
            and len(value) == 11
            and value[0] == "1"
            and value.isascii()
            and value.isdecimal()
        ):
            return None, value  # what PHONE matches, without the regex: an ASCII `\d`
        if not isinstance(value, str) or not PHONE.match(value):
            return "手机号应为11位数字", None
        return None, value

    return check


def _attachment(field, label):
    wrong = f"{label}附件编号无效"

    def check(value):
        if not isinstance(value, str) or not _ATTACHMENT.fullmatch(value):
            return wrong, None
        return None, value

    return check


def _gps(field, label):
    """A position as the phone takes it: latitude, longitude and, if it says, its accuracy in
    metres; nothing else rides along."""

    def check(value):
        if not isinstance(value, dict) or not _GPS_KEYS <= value.keys():
            return f"{label}应包含经纬度", None
        lat, lng, accuracy = value["lat"], value["lng"], value.get("accuracy", 0)
        numeric = all(_is_number(v) for v in (lat, lng, accuracy))
        if (
            not numeric
            or not value.keys() <= _GPS_KEYS | _GPS_EXTRA
            or not (-90 <= lat <= 90 and -180 <= lng <= 180 and 0 <= accuracy <= 100_000)
        ):
            return f"{label}经纬度无效", None
        return None, value

    return check


def _is_number(value) -> bool:
    return type(value) is int or type(value) is float


_CHECKERS = {
    "text": _text,
    "integer": _integer,
    "decimal": _decimal,
    "money": _money,
    "select": _select,
    "multiselect": _multiselect,
    "boolean": _boolean,
    "date": _date,
    "idcard": _idcard,
    "phone": _phone,
    "attachment": _attachment,
    "gps": _gps,
}


def _within(field, label):
    """within(number) -> (problem or None, number), the min and max read once (as Decimal).

    A missing bound is an infinite one, which no number passes: one comparison each, no test.
    """
    unit = field.get("unit", "")
    low, high = _bounds(field)
    too_small = f"{label}不能小于{field.get('min')}{unit}"
    too_big = f"{label}不能大于{field.get('max')}{unit}"

    def within(number):
        if number < low:
            return too_small, number
        if number > high:
            return too_big, number
        return None, number

    return within


def _bounds(field) -> tuple[Decimal, Decimal]:
    """(min, max) as Decimal; a missing one is infinite."""
    low = Decimal(str(field["min"])) if "min" in field else Decimal("-Infinity")
    high = Decimal(str(field["max"])) if "max" in field else Decimal("Infinity")
    return low, high


def _int_if_whole(bound: Decimal):
    """A whole bound as an int, which an int compares with 3x faster than with a Decimal.

    Python compares int with int or float exactly, so the answers stay those of the Decimal.
    """
    if bound.is_infinite():
        return float(bound)
    if bound.is_finite() and bound == bound.to_integral_value():
        return int(bound)
    return bound
