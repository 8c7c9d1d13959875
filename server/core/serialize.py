"""Rows and objects as the API shows them: a serializer names its fields, these copy them."""


def iso(stamp) -> str | None:
    return stamp.isoformat() if stamp is not None else None


def pick(obj, names: tuple[str, ...], **renamed: str) -> dict:
    """{name: obj.name} for each of `names`, then {wire name: obj.attribute} for each of
    `renamed`; dates and times as ISO 8601 text."""
    out = {name: getattr(obj, name) for name in names}
    out.update({wire: getattr(obj, attribute) for wire, attribute in renamed.items()})
    return {k: iso(v) if hasattr(v, "isoformat") else v for k, v in out.items()}
