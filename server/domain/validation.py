"""Validation of a household document against a form definition (CONTRIBUTING.md messages).

Field checks live here; rules across fields and rows live in crosschecks.py and plausibility.py.
They see a "clean" copy of the document: only relevant fields whose values passed their own checks,
parsed (money as Decimal), so each rule reports its own problem and not a follow-on of a typo.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from server.domain import conditions, crosschecks, idcard, money, plausibility

PHONE = re.compile(r"^1\d{10}$")
INVALID = crosschecks.INVALID


def message(path: str, text: str, severity: str = "error") -> dict:
    return {"path": path, "message": text, "severity": severity}


def errors_only(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["severity"] == "error"]


def validate(
    definition: dict,
    document: dict,
    *,
    reference_date: dt.date | None = None,
    check_required: bool = True,
) -> list[dict]:
    """All messages, errors and warnings, in form order.

    check_required=False skips completeness (required fields, min_items, education or school)
    so that a draft can be saved half done; everything that is filled is still checked.
    """
    today = reference_date or dt.date.today()
    if not isinstance(document, dict):
        return [message("", "问卷数据格式不正确")]
    out: list[dict] = []
    known = {s["key"] for s in definition["sections"]}
    out += [message(str(k), "未知的部分") for k in document if k not in known]
    clean: dict = {}
    for section in definition["sections"]:
        key = section["key"]
        value = document.get(key)
        if section["kind"] == "group":
            clean[key] = _check_group(section, value, document, out, check_required)
        else:
            clean[key] = _check_repeat(section, value, document, out, check_required)
    out += crosschecks.check(clean, today, check_required)
    out += plausibility.check(clean)
    return out


def _check_group(section, value, document, out, check_required) -> dict:
    key = section["key"]
    if value is None:
        value = {}
    if not isinstance(value, dict):
        out.append(message(key, "该部分数据格式不正确"))
        return {}
    return _check_fields(section["fields"], value, key, document, out, check_required)


def _check_repeat(section, value, document, out, check_required) -> list[dict]:
    key = section["key"]
    if value is None:
        value = []
    if not isinstance(value, list):
        out.append(message(key, "该部分应为列表"))
        return []
    minimum = section.get("min_items", 0)
    if check_required and len(value) < minimum:
        out.append(message(key, f"至少填写{minimum}个{section.get('item_label', '条目')}"))
    rows, seen = [], set()
    for row in value:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
            out.append(message(key, f"每个{section.get('item_label', '条目')}都需要id"))
            continue
        row_id = row["id"]
        if row_id in seen:
            out.append(message(f"{key}.{row_id}", "id重复"))
            continue
        seen.add(row_id)
        values = {k: v for k, v in row.items() if k != "id"}
        clean = _check_fields(
            section["fields"], values, f"{key}.{row_id}", document, out, check_required
        )
        rows.append({"id": row_id, **clean})
    return rows


def _check_fields(fields, values, prefix, document, out, check_required) -> dict:
    by_key = {f["key"]: f for f in fields}
    out += [message(f"{prefix}.{k}", "未知字段") for k in values if k not in by_key]
    clean: dict = {}
    invalid: set[str] = set()
    for field in fields:
        if field.get("computed"):
            continue
        path = f"{prefix}.{field['key']}"
        if not conditions.holds(field.get("relevant"), values, document):
            continue  # a value left over from an earlier answer is ignored, not an error
        value = values.get(field["key"])
        if not conditions.is_filled(value):
            if check_required and field.get("required"):
                out.append(message(path, f"请填写{field['label']}"))
            continue
        problem, parsed = check_value(field, value)
        if problem:
            out.append(message(path, problem))
            invalid.add(field["key"])
        else:
            clean[field["key"]] = parsed
    if invalid:
        clean[INVALID] = frozenset(invalid)
    return clean


def check_value(field: dict, value) -> tuple[str | None, object]:
    """(problem, parsed value) for one filled value."""
    label, kind = field["label"], field["type"]
    checker = _CHECKERS.get(kind)
    if checker is None:
        return f"{label}的类型未知", None
    problem, parsed = checker(field, value)
    if problem is None:
        problem = _check_bounds(field, parsed)
    return problem, parsed


def _text(field, value):
    if not isinstance(value, str):
        return f"{field['label']}应为文本", None
    if "max_length" in field and len(value) > field["max_length"]:
        return f"{field['label']}不能超过{field['max_length']}个字", None
    if "pattern" in field and not re.fullmatch(field["pattern"], value):
        return field.get("pattern_message", f"{field['label']}格式不正确"), None
    return None, value


def _integer(field, value):
    if isinstance(value, bool):
        return f"{field['label']}应为整数", None
    if isinstance(value, int):
        return None, value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return None, int(value)
    return f"{field['label']}应为整数", None


def _decimal(field, value):
    if isinstance(value, bool):
        return f"{field['label']}应为数字", None
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if not isinstance(value, int | float | str | Decimal) or not re.fullmatch(
        r"[+-]?(\d+(\.\d*)?|\.\d+)", text
    ):
        return f"{field['label']}应为数字", None
    try:
        return None, Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex already rules this out
        return f"{field['label']}应为数字", None


def _money(field, value):
    try:
        amount = money.parse(value)
    except money.MoneyError:
        return f"{field['label']}应为金额（如 1234.50）", None
    if money.places(amount) > 2:
        return f"{field['label']}最多保留两位小数", None
    return None, amount


def _select(field, value):
    if isinstance(value, list):
        return f"{field['label']}只能选择一项", None
    if value not in field.get("options", []):
        return f"{field['label']}的选项“{value}”无效", None
    return None, value


def _multiselect(field, value):
    if not isinstance(value, list):
        return f"{field['label']}应为多选列表", None
    bad = [v for v in value if v not in field.get("options", [])]
    if bad:
        return f"{field['label']}的选项“{bad[0]}”无效", None
    if len(set(value)) != len(value):
        return f"{field['label']}有重复选项", None
    return None, list(value)


def _boolean(field, value):
    if not isinstance(value, bool):
        return f"{field['label']}应为“是”或“否”", None
    return None, value


def _date(field, value):
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return None, dt.date.fromisoformat(value)
    except ValueError:
        return f"{field['label']}应为日期（年-月-日）", None


def _idcard(field, value):
    problem = idcard.problem(value)
    return (problem, None) if problem else (None, idcard.normalize(value))


def _phone(field, value):
    if not isinstance(value, str) or not PHONE.match(value):
        return "手机号应为11位数字", None
    return None, value


def _attachment(field, value):
    if not isinstance(value, str) or not re.fullmatch(r"[0-9A-Za-z-]{8,64}", value):
        return f"{field['label']}附件编号无效", None
    return None, value


def _gps(field, value):
    if not isinstance(value, dict) or not {"lat", "lng"} <= set(value):
        return f"{field['label']}应包含经纬度", None
    lat, lng = value["lat"], value["lng"]
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lng))
    if not numeric or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return f"{field['label']}经纬度无效", None
    return None, value


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


def _check_bounds(field, parsed) -> str | None:
    label = field["label"]
    if field["type"] == "multiselect":
        if "max" in field and len(parsed) > field["max"]:
            return f"{label}最多选择{field['max']}项"
        return None
    if field["type"] not in ("integer", "decimal", "money"):
        return None
    unit = field.get("unit", "")
    if "min" in field and parsed < Decimal(str(field["min"])):
        return f"{label}不能小于{field['min']}{unit}"
    if "max" in field and parsed > Decimal(str(field["max"])):
        return f"{label}不能大于{field['max']}{unit}"
    return None
