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


def predicate(cond: dict | None):
    """`holds(cond, ...)` as a closure, or None when a field is always asked.

    Validation asks every condition of a form for every row of every pushed document; reading the
    condition dict once here keeps that cheap. Any shape other than the plain ones below is handed
    to `holds` itself, so the answers (and the errors of a malformed condition) stay the same.
    """
    return _compile(cond)[0]


def never_raises(cond: dict | None) -> bool:
    """True when predicate(cond) is built of plain parts only, none handed to `holds`.

    Such a predicate only reads values and compares them, so it may be asked in any order, or not
    at all when its answer does not matter; one that may raise must be asked as before.
    """
    return _compile(cond)[1]


def _compile(cond) -> tuple[object, bool]:
    """(predicate, never_raises) of a condition."""
    if cond is None:
        return None, True
    if not isinstance(cond, dict):
        return _generic(cond), False
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        if not isinstance(cond[key], list):
            return _generic(cond), False
        compiled = [_compile(c) for c in cond[key]]
        parts = tuple(p or _always for p, _ in compiled)
        plain = all(ok for _, ok in compiled)
        if key == "all":
            return (lambda local, document: all(p(local, document) for p in parts)), plain
        return (lambda local, document: any(p(local, document) for p in parts)), plain
    if "not" in cond:
        leaf = cond["not"]
        if isinstance(leaf, dict) and leaf.keys() == {"field", "in"}:
            negated = _leaf(leaf, negate=True)  # "not in", the common shape: one call, not two
            if negated is not None:
                return negated, True
        inner, plain = _compile(leaf)
        inner = inner or _always
        return (lambda local, document: not inner(local, document)), plain
    leaf = _leaf(cond)
    return (leaf, True) if leaf is not None else (_generic(cond), False)


def _leaf(cond: dict, negate: bool = False):
    """The closure of a plain "field" condition, or None for any other shape."""
    ref = cond.get("field")
    if not isinstance(ref, str):
        return None
    section, key = ref.split(".", 1) if "." in ref else (None, ref)
    if "in" in cond:
        listed = cond["in"]
        if not isinstance(listed, list):
            return None
        # An option is text: a text value is looked up in a set, which answers as the list would.
        texts = frozenset(listed) if all(type(v) is str for v in listed) else None

        def is_in(local, document):
            value = local.get(key) if section is None else _in_group(document, section, key)
            if texts is not None and type(value) is str:
                return (value in texts) is not negate
            if isinstance(value, list):
                for v in value:  # any(), without a generator on every call
                    if v in listed:
                        return not negate
                return negate
            return (value in listed) is not negate

        return is_in
    if negate:
        return None
    if "eq" in cond:
        expected = cond["eq"]

        def is_equal(local, document):
            value = local.get(key) if section is None else _in_group(document, section, key)
            return value == expected

        return is_equal
    if "filled" in cond:
        wanted = bool(cond["filled"])

        def is_filled_as_wanted(local, document):
            value = local.get(key) if section is None else _in_group(document, section, key)
            if value is None:  # an absent field, the usual case: is_filled() without the call
                return not wanted
            return is_filled(value) == wanted

        return is_filled_as_wanted
    return None


def _in_group(document: dict, section: str, key: str):
    """resolve() of a "section.field" reference."""
    group = document.get(section)
    return group.get(key) if isinstance(group, dict) else None


def _always(local, document) -> bool:
    return True


def _generic(cond):
    return lambda local, document: holds(cond, local, document)


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
