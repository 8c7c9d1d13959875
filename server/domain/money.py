"""Exact money: Decimal, two places, ROUND_HALF_UP (the rounding a county clerk does by hand).

Money never passes through float arithmetic. A float that arrives from JSON is read through its
shortest repr ("1234.5"), which is exact for every value with two places.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """Not a plain amount: garbage, NaN, infinity, an exponent, thousands separators."""


def parse(value) -> Decimal:
    """Read an amount exactly, without rounding. Accepts str, int, Decimal (and a finite float)."""
    if type(value) is str:  # the wire form, by far the most common: checked first
        if value.isascii() and value.replace(".", "", 1).isdecimal():  # "1234.50", plain
            return Decimal(value)
        return _parse_text(value.strip())
    if isinstance(value, bool) or value is None:
        raise MoneyError("金额应为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError("金额应为有限数字")
        return value
    if isinstance(value, str):
        return _parse_text(value.strip())
    raise MoneyError("金额应为数字")


def is_plain(text: str) -> bool:
    r"""A plain decimal, [+-]?(\d+(\.\d*)?|\.\d+) of ASCII digits: no exponent, separator, space,
    NaN or infinity, and no digits of another script ("１２" is what a form's keyboard never types).

    Checked without the regex engine, since every amount of every push comes here: a regex `\d`
    with re.ASCII is an ASCII character that isdecimal() accepts.
    """
    body = text[1:] if text[:1] in ("+", "-") else text
    return body.isascii() and body.replace(".", "", 1).isdecimal()


def read_plain(text: str) -> Decimal | None:
    """Decimal(text) for a plain decimal (is_plain), None for anything else.

    An unsigned amount ("1234.50", "97") is what devices send, so it is recognised first, in one
    expression and without a call to is_plain().
    """
    if (text.isascii() and text.replace(".", "", 1).isdecimal()) or is_plain(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - is_plain() already rules this out
            return None
    return None


def _parse_text(text: str) -> Decimal:
    amount = read_plain(text)
    if amount is None:
        raise MoneyError("金额格式不正确")
    return amount


def parse_with_places(value) -> tuple[Decimal, int]:
    """(parse(value), places of it) at once: validation needs both for every amount it sees.

    For text the places are the digits written after the point, which is what Decimal keeps as
    its exponent, and counting them is several times cheaper than Decimal.as_tuple().
    """
    if type(value) is str:
        text = value.strip()
        amount = read_plain(text)
        if amount is None:
            raise MoneyError("金额格式不正确")
        point = text.find(".")
        return amount, (len(text) - point - 1 if point >= 0 else 0)
    amount = parse(value)
    return amount, places(amount)


def places(amount: Decimal) -> int:
    """Number of decimal places written (Decimal('1.50') has 2)."""
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def quantize(amount: Decimal) -> Decimal:
    """Two places, half up. The rounding goes by position: _decimal reads a keyword argument
    several times slower than it rounds, and every pushed household is rounded a dozen times."""
    return amount.quantize(CENT, ROUND_HALF_UP)


def to_str(amount: Decimal) -> str:
    """The wire form: '1234.50'; '-0.00' never appears.

    A Decimal at two places has exponent -2, which str() writes without an exponent and with
    the digits of format 'f', at a fraction of its cost."""
    q = amount.quantize(CENT, ROUND_HALF_UP)
    return str(q) if q else "0.00"  # zero and -0.00 alike


def normalize(value) -> str:
    """Parse and write back with two places (half-up)."""
    return to_str(parse(value))


def parse_or_zero(value) -> Decimal:
    """A missing item (None or empty text) counts as zero in the sums."""
    if type(value) is str and value.isascii() and value.replace(".", "", 1).isdecimal():
        return Decimal(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return ZERO
    return parse(value)
