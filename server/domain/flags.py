"""Answers of several values stored as one integer column, a bit per value, so SQL counts each.

A household's unmet guarantees (bit i: `verdicts.GUARANTEES[i]` unmet) and a member's health
(bit i: the form's i-th health option, several may hold) are kept this way beside the document;
the county's tables count a value with `column & bit`.
"""

from server.domain import forms
from server.domain.verdicts import GUARANTEES

HEALTH = forms.options("annex1", "members", "health")
WATER = ("water_quantity_ok", "water_quality_ok", "water_convenient_ok", "water_reliable_ok")


def bit(values: tuple[str, ...], value: str) -> int:
    return 1 << values.index(value)


def mask(values: tuple[str, ...], chosen) -> int:
    """The bits of the chosen values; anything not among `values` is no bit."""
    if not isinstance(chosen, list | tuple):
        return 0
    return sum(bit(values, v) for v in set(chosen) if isinstance(v, str) and v in values)


def guarantees_mask(unmet: list[str]) -> int:
    return mask(GUARANTEES, unmet)


def health_mask(health) -> int:
    return mask(HEALTH, health)
