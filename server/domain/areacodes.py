"""Area codes (统计用区划代码): a code's length says its level, and its parent is its prefix.

A county's code has 6 digits, a township's 9 (the county's and three more), an administrative
village's 12 and a villagers' group's 14, as the demo county and the county's own lists write
them. An administrator's list of areas is checked here, one row at a time, in words.
"""

LEVELS = {6: "county", 9: "township", 12: "village", 14: "group"}
LEVEL_WORDS = {"county": "县", "township": "乡镇", "village": "村", "group": "村民小组"}
NAME_MAX = 60  # the area table's column
CODE_WORDS = "区划代码应为6位（县）、9位（乡镇）、12位（村）或14位（村民小组）数字"


def level_of(code: str) -> str | None:
    return LEVELS.get(len(code)) if code.isascii() and code.isdigit() else None


def parent_code(code: str) -> str | None:
    """The code of the area one level up (None for a county)."""
    lengths = sorted(LEVELS)
    at = lengths.index(len(code))
    return code[: lengths[at - 1]] if at else None


def checked_row(code, name) -> tuple[dict, dict[str, str]]:
    """({"code", "name", "level"}, {field: message}) of one row as read from a list: text only,
    trimmed; a name of visible characters within the column's width."""
    errors: dict[str, str] = {}
    code = code.strip() if isinstance(code, str) else code
    name = name.strip() if isinstance(name, str) else name
    level = level_of(code) if isinstance(code, str) else None
    if level is None:
        errors["code"] = CODE_WORDS
    if not isinstance(name, str) or not name:
        errors["name"] = "名称不能为空"
    elif len(name) > NAME_MAX:
        errors["name"] = f"名称不能超过{NAME_MAX}个字"
    elif not name.isprintable():
        errors["name"] = "名称含有不可见的控制字符"
    return {"code": code, "name": name, "level": level}, errors
