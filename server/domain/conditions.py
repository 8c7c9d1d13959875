"""Skip logic of the form definitions: when a field is asked at all.

A condition names a field of the same section or row (`"danger_grade"`) or of another group
section (`"household.status"`). For a multi-select value, `in` holds when any chosen
option is listed.
"""


def resolve(ref: str, local: dict, document: dict):
    if "." in ref:
        section, key = ref.split(".", 1)
        group = document.get(section)
        return group.get(key) if isinstance(group, dict) else None
    return local.get(ref)


def is_filled(value) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def holds(cond: dict | None, local: dict, document: dict) -> bool:
    if cond is None:
        return True
    if "all" in cond:
        return all(holds(c, local, document) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, local, document) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], local, document)
    value = resolve(cond["field"], local, document)
    if "in" in cond:
        if isinstance(value, list):
            return any(v in cond["in"] for v in value)
        return value in cond["in"]
    if "eq" in cond:
        return value == cond["eq"]
    if "filled" in cond:
        return is_filled(value) == bool(cond["filled"])
    raise ValueError(f"unknown condition: {cond}")


def field_refs(cond: dict | None):
    """Every field a condition reads, for checking definitions."""
    if cond is None:
        return
    for key in ("all", "any"):
        for c in cond.get(key, []):
            yield from field_refs(c)
    if "not" in cond:
        yield from field_refs(cond["not"])
    if "field" in cond:
        yield cond["field"]
