"""Values a form does not allow, each with the field path its message must name.

Shared by the push tests (tests/sync/test_bad_values.py) and the REST tests
(tests/api/test_write_edges.py): whatever the road, such a value is refused with a field message
and nothing of it is stored. `{head}`, `{measure}` in a path stand for the row ids of the sample
household (tests.api.conftest.fresh_document).
"""

from server.domain.income import ITEMS

XSS = '"><img src=x onerror=alert(1)>'
EMPTY_CONTAINERS = ([], {})

# (change path, value, the path of the message that refuses it)
SINGLE: list[tuple[str, object, str]] = [
    *(
        (path, value, path)
        for path in (
            "household.status",
            "household.household_no",
            "household.group",
            "causes.main_cause",
            "members.{head}.name",
            "members.{head}.sex",
            "members.{head}.relation",
            "members.{head}.labour",
            "members.{head}.birth_date",
            "measures.{measure}.amount",
            "signoff.surveyor",
            *(f"income.{key}" for key in ITEMS),
        )
        for value in EMPTY_CONTAINERS
    ),
    ("household.status", ["已脱贫"], "household.status"),
    ("household.status", 7, "household.status"),
    # a lone surrogate, a NUL and other control characters in text
    ("household.group", "\ud800", "household.group"),
    ("members.{head}.name", "王\udfff", "members.{head}.name"),
    ("household.group", "一\x00组", "household.group"),
    ("members.{head}.name", "王\x00", "members.{head}.name"),
    ("signoff.surveyor", "赵\x1b敏", "signoff.surveyor"),
    ("household.\ud800", "1", "household"),
    ("household.a\x00b", "1", "household"),
    # money: past the form's maximum, or not written in ASCII digits
    ("income.wage_migrant", "1000000000000.00", "income.wage_migrant"),
    ("income.wage_migrant", 10**12, "income.wage_migrant"),
    ("income.wage_migrant", 10**30, "income.wage_migrant"),
    ("income.cost_business", "999999999999.99", "income.cost_business"),
    ("income.wage_local", "１２", "income.wage_local"),
    ("income.wage_local", "١٢.٣٤", "income.wage_local"),
    ("measures.{measure}.amount", "1" + "0" * 400, "measures.{measure}.amount"),
    ("household.land_cultivated", "１２", "household.land_cultivated"),
    ("household.exit_year", "２０１８", "household.exit_year"),
    ("household.exit_year", "9" * 5000, "household.exit_year"),  # past int()'s 4300 digits
    ("household.land_forest", "9" * 5000, "household.land_forest"),
    ("household.phone", "１３８９１２３４５６７", "household.phone"),
    ("members.{head}.id_number", "６" * 18, "members.{head}.id_number"),
    # a field whose condition does not hold keeps the type and size of its field
    ("causes.risk_note", {"evil": [1, 2, 3]}, "causes.risk_note"),
    ("causes.risk_note", "长" * 501, "causes.risk_note"),
    ("measures.{measure}.member_id", "x" * 100_000, "measures.{measure}.member_id"),
    ("measures.{measure}.member_id", XSS, "measures.{measure}.member_id"),
    ("members.{head}.disability_grade", [], "members.{head}.disability_grade"),
    # text of any field has a maximum length
    ("household.group", "组" * 31, "household.group"),
    ("helpers.{helper}.unit", "单" * 101, "helpers.{helper}.unit"),
    # what the server derives is not taken from a device, whatever it is
    ("guarantees.medical_ok", {"evil": 1}, "guarantees.medical_ok"),
    # unknown keys, in a group and in a row
    ("household.evil", "1", "household.evil"),
    ("members.{head}.evil", "1", "members.{head}.evil"),
]

# (changes, the path of the message that refuses them): the changes of one operation
CASES: list[tuple[dict, str]] = [({path: value}, where) for path, value, where in SINGLE] + [
    (  # the bank emptied: its account is not asked, and still not stored as it came
        {"household.bank": None, "household.bank_account": {"a": {"b": {"c": [1, 2, 3]}}}},
        "household.bank_account",
    ),
    ({"household.bank": None, "household.bank_account": "12"}, "household.bank_account"),
    (
        {"members.{head}.health": ["健康"], "members.{head}.disability_kind": {}},
        "members.{head}.disability_kind",
    ),
]

# Row ids: a UUID made on the device, in its canonical form (CONTRIBUTING.md).
BAD_ROW_IDS = [
    XSS,
    "m1",
    "",
    "x" * 5000,
    "6F1C2A3E-8B4D-4C1A-9E2F-000000000001",  # upper case: not the canonical form
    "{6f1c2a3e-8b4d-4c1a-9e2f-000000000001}",
    "6f1c2a3e8b4d4c1a9e2f000000000001",
    "6f1c2a3e-8b4d-4c1a-9e2f-00000000000\ud800",
]


def case_id(value) -> str:
    """A test id: the beginning of the value's repr."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def fill(changes: dict, ids: dict) -> dict:
    """The changes with the row ids of a document in their paths."""
    return {path.format(**ids): value for path, value in changes.items()}


def row_ids(document: dict) -> dict:
    """The ids the case paths name: the head, the first helper and the first measure."""
    return {
        "head": document["members"][0]["id"],
        "helper": document["helpers"][0]["id"],
        "measure": document["measures"][0]["id"],
    }
