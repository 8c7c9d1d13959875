"""Change paths: diff, apply, split, normalize (server/sync/paths.py).

The hypothesis strategies at the bottom (random households and random edits of them) are shared
with test_merge.py.
"""

import copy
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sync.paths import (
    REPEAT_SECTIONS,
    PathError,
    apply,
    diff,
    join,
    normalize,
    same,
    split,
    value_at,
)

WANG = "0b6f1c2e-0000-4000-8000-000000000001"
LI = "0b6f1c2e-0000-4000-8000-000000000002"
NEW = "0b6f1c2e-0000-4000-8000-000000000003"
HELPER = "7d0e1f2a-0000-4000-8000-000000000001"


def household() -> dict:
    """A realistic household as the phone stores it."""
    return {
        "household": {"group": "一组", "household_no": "0012", "phone": "13800000000"},
        "members": [
            {"id": WANG, "name": "王建国", "id_number": "420101197001011234", "relation": "户主"},
            {"id": LI, "name": "李秀英", "id_number": "42010119720202123X", "relation": "配偶"},
        ],
        "income": {"wage_migrant": "12000.00", "cost_business": "800.00"},
        "guarantees": {"food_secure": True},
        "causes": {"main_cause": "因病", "other_causes": ["缺技术"], "risk_note": ""},
        "helpers": [{"id": HELPER, "name": "张伟", "unit": "县农业局", "date_to": None}],
        "measures": [],
        "signoff": {"surveyor": "赵敏", "visit_date": "2020-10-12", "photo": None},
    }


def test_repeat_sections_are_the_three_lists_of_rows():
    assert REPEAT_SECTIONS == ("members", "helpers", "measures")


# -- split / join -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, parts",
    [
        ("household.phone", ("household", "phone")),
        (f"members.{WANG}", ("members", WANG)),
        (f"members.{WANG}.name", ("members", WANG, "name")),
        ("note", ("note",)),
        ("extra.a.b", ("extra", "a.b")),  # a group field name may contain dots
        (f"members.{WANG}.a.b", ("members", WANG, "a.b")),
    ],
)
def test_split_and_join_are_inverse(path, parts):
    assert split(path) == parts
    assert join(*parts) == path


@pytest.mark.parametrize("path", ["", "household.", ".phone", "members..name", None, 3])
def test_split_refuses_malformed_paths(path):
    with pytest.raises(PathError):
        split(path)


def test_path_error_is_a_value_error():
    assert issubclass(PathError, ValueError)


# -- same ---------------------------------------------------------------------------------


def test_same_distinguishes_types_that_python_equates():
    assert same({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same(True, 1)
    assert not same(1, 1.0)
    assert not same({"a": None}, {})
    assert not same(["因病"], ("因病",))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1], [True]),
        ({"a": [1]}, {"a": [1.0]}),
        ([[0]], [[False]]),
        ([1, 2], [1]),
        ({"a": 1}, {"a": 1, "b": None}),
        (float("nan"), float("nan")),
    ],
)
def test_same_is_strict_inside_lists_and_objects(a, b):
    assert not same(a, b) and not same(b, a)


def test_same_values_in_separate_containers_are_same():
    nan = float("nan")
    assert same([[1, {"b": None}], "x"], [[1, {"b": None}], "x"])
    assert same({"a": [nan]}, {"a": [nan]})  # the same NaN object, as in a shared section


# -- diff ---------------------------------------------------------------------------------


def test_identical_documents_have_no_changes():
    assert diff(household(), household()) == {}


def test_group_fields_changed_added_and_removed():
    old, new = household(), household()
    new["household"]["phone"] = "13900000000"
    new["income"]["transfer_dibao"] = "3600.00"
    del new["income"]["cost_business"]
    assert diff(old, new) == {
        "household.phone": "13900000000",
        "income.cost_business": None,
        "income.transfer_dibao": "3600.00",
    }


def test_rows_edited_added_and_deleted_by_id():
    old, new = household(), household()
    new["members"][0]["name"] = "王建军"
    del new["members"][1]
    new["members"].append({"id": NEW, "name": "王小明", "relation": "之子"})
    assert diff(old, new) == {
        f"members.{WANG}.name": "王建军",
        f"members.{LI}": None,
        f"members.{NEW}": {"id": NEW, "name": "王小明", "relation": "之子"},
    }


def test_row_field_removed_is_none_and_reordering_rows_is_no_change():
    old, new = household(), household()
    new["members"].reverse()
    assert diff(old, new) == {}
    del new["members"][0]["id_number"]
    assert diff(old, new) == {f"members.{LI}.id_number": None}


def test_multi_select_is_one_atomic_value():
    old, new = household(), household()
    new["causes"]["other_causes"] = ["缺技术", "缺资金"]
    assert diff(old, new) == {"causes.other_causes": ["缺技术", "缺资金"]}


def test_missing_and_none_are_no_change():
    old, new = household(), household()
    del new["signoff"]["photo"]
    new["helpers"][0].pop("date_to")
    assert diff(old, new) == {}


def test_unknown_sections_diff_as_groups_or_atomic_values():
    old = {"extra": {"a": 1}, "note": "旧"}
    new = {"extra": {"a": 2, "b": 3}, "note": "新"}
    assert diff(old, new) == {"extra.a": 2, "extra.b": 3, "note": "新"}
    assert diff({"extra": {"a": 1}}, {"extra": "整段"}) == {"extra": "整段"}
    assert diff({"extra": "整段"}, {"extra": {"a": 1}}) == {"extra": {"a": 1}}
    assert diff({"note": "旧"}, {}) == {"note": None}


def test_whole_section_removed_or_added():
    old, new = household(), household()
    del new["causes"], new["members"]
    assert diff(old, new) == {
        "causes.main_cause": None,
        "causes.other_causes": None,
        "causes.risk_note": None,
        f"members.{WANG}": None,
        f"members.{LI}": None,
    }
    assert diff(new, old)[f"members.{WANG}"] == old["members"][0]


def test_diff_values_do_not_alias_the_new_document():
    old, new = household(), household()
    new["causes"]["other_causes"] = ["因病"]
    changes = diff(old, new)
    changes["causes.other_causes"].append("因残")
    assert new["causes"]["other_causes"] == ["因病"]


@pytest.mark.parametrize(
    "rows",
    [
        [{"name": "无编号"}],
        [{"id": "a.b"}],
        [{"id": WANG}, {"id": WANG}],
        ["王建国"],
        "王建国",
    ],
)
def test_diff_refuses_rows_that_cannot_be_matched(rows):
    with pytest.raises(PathError):
        diff({}, {"members": rows})


# -- apply --------------------------------------------------------------------------------


def test_apply_the_contract_example():
    changes = {
        "household.phone": "13900000000",
        "income.wage_migrant": "15000.00",
        f"members.{WANG}.name": "王芳",
        f"members.{NEW}": {"id": NEW, "name": "王小明", "relation": "之子"},
        f"members.{LI}": None,
    }
    doc = apply(household(), changes)
    assert doc["household"]["phone"] == "13900000000"
    assert doc["income"]["wage_migrant"] == "15000.00"
    assert [m["id"] for m in doc["members"]] == [WANG, NEW]
    assert doc["members"][0]["name"] == "王芳"


def test_apply_never_mutates_its_inputs():
    doc = household()
    row = {"id": NEW, "name": "王小明"}
    changes = {"household.phone": "1", f"members.{WANG}": None, f"members.{NEW}": row}
    result = apply(doc, changes)
    assert doc == household()
    result["members"][-1]["name"] = "改"
    assert row["name"] == "王小明"


def test_new_rows_are_appended_in_the_order_of_the_changes():
    a, b = "a" * 8, "b" * 8
    doc = apply(household(), {f"measures.{b}": {"id": b}, f"measures.{a}": {"id": a}})
    assert [m["id"] for m in doc["measures"]] == [b, a]
    doc = apply({}, {f"measures.{a}": {"id": a, "measure": "产业扶持"}})
    assert doc == {"measures": [{"id": a, "measure": "产业扶持"}]}


def test_whole_row_for_an_existing_id_replaces_it_in_place():
    doc = apply(household(), {f"members.{WANG}": {"id": WANG, "name": "王建军"}})
    assert doc["members"][0] == {"id": WANG, "name": "王建军"}
    assert doc["members"][1]["id"] == LI


def test_field_of_a_missing_row_is_an_error():
    with pytest.raises(PathError, match="no row"):
        apply(household(), {f"members.{NEW}.name": "王小明"})
    with pytest.raises(PathError, match="no row"):
        apply({}, {f"members.{NEW}.name": "王小明"})


def test_tombstone_of_a_missing_row_is_a_no_op():
    assert apply(household(), {f"members.{NEW}": None}) == household()
    assert apply({}, {f"helpers.{NEW}": None}) == {}


def test_group_fields_create_their_section_and_none_is_kept_as_a_value():
    doc = apply({}, {"causes.main_cause": "因残", "signoff.photo": None})
    assert doc == {"causes": {"main_cause": "因残"}, "signoff": {"photo": None}}


@pytest.mark.parametrize(
    "changes",
    [
        {"members": []},
        {f"members.{WANG}": {"id": LI}},
        {f"members.{WANG}": "王建国"},
        {f"members.{WANG}.id": LI},
        {"household": "整段", "household.phone": "13900000000"},
    ],
)
def test_apply_refuses_changes_that_do_not_fit(changes):
    with pytest.raises(PathError):
        apply(household(), changes)


def test_apply_refuses_a_field_in_a_section_that_is_not_an_object():
    with pytest.raises(PathError, match="not an object"):
        apply({"note": "文字"}, {"note.x": 1})


# -- value_at / normalize -----------------------------------------------------------------


def test_value_at():
    doc = household()
    assert value_at(doc, "household.phone") == "13800000000"
    assert value_at(doc, f"members.{LI}.relation") == "配偶"
    assert value_at(doc, f"members.{LI}") == doc["members"][1]
    assert value_at(doc, f"members.{NEW}") is None
    assert value_at(doc, f"members.{NEW}.name") is None
    assert value_at(doc, "extra.x") is None
    assert value_at(doc, "causes") == doc["causes"]


def test_normalize_drops_none_and_empty_and_sorts_rows_by_id():
    doc = household()
    doc["members"].reverse()
    doc["note"] = None
    assert normalize(doc) == {
        "household": doc["household"],
        "members": sorted(household()["members"], key=lambda m: m["id"]),
        "income": doc["income"],
        "guarantees": {"food_secure": True},
        "causes": doc["causes"],
        "helpers": [{"id": HELPER, "name": "张伟", "unit": "县农业局"}],
        "signoff": {"surveyor": "赵敏", "visit_date": "2020-10-12"},
    }
    assert doc["note"] is None and doc["helpers"][0]["date_to"] is None  # input untouched


# -- hypothesis: random households and random edits (shared with test_merge.py) ----------

GROUPS = {
    "household": {"group": ["一组", "二组"], "phone": ["13800000000", "13900000000"]},
    "income": {"wage_migrant": ["12000.00", "15000.00"], "transfer_dibao": ["0.00", "3600.00"]},
    "causes": {
        "main_cause": ["因病", "因残"],
        "other_causes": [[], ["缺技术"], ["缺技术", "因病"]],
    },
    "extra": {"a": ["甲", "乙"]},
}
ROWS = {
    "members": {
        "name": ["王芳", "李强", "张伟"],
        "id_number": ["420101199001011234", "42010119850505123X", ""],
        "relation": ["户主", "配偶", "之子"],
    },
    "helpers": {"name": ["赵敏", "钱进"], "phone": ["13700000000"]},
}
BASE_IDS = {"members": ["m1", "m2", "m3"], "helpers": ["h1", "h2"]}
NEW_IDS = {"members": ["n1", "n2", "n3"], "helpers": ["k1"]}
ATOMIC = {"note": ["备注甲", "备注乙"], "extra": ["整段替换"]}


def _fields(spec: dict) -> st.SearchStrategy:
    values = {key: st.sampled_from(options + [None]) for key, options in spec.items()}
    return st.fixed_dictionaries({}, optional=values)


def _row(section: str, row_id: str) -> st.SearchStrategy:
    return _fields(ROWS[section]).map(lambda fields: {"id": row_id, **fields})


def _rows(section: str, ids: list[str]) -> st.SearchStrategy:
    chosen = st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))
    return chosen.flatmap(lambda ids: st.tuples(*[_row(section, i) for i in ids]).map(list))


def documents() -> st.SearchStrategy:
    sections = {name: _fields(spec) for name, spec in GROUPS.items()}
    sections |= {name: _rows(name, BASE_IDS[name]) for name in ROWS}
    return st.fixed_dictionaries({}, optional={**sections, "note": st.sampled_from(ATOMIC["note"])})


@st.composite
def edited(draw, base: dict) -> dict:
    """A random edit of ``base``: fields changed or removed, rows edited, deleted or added."""
    action = st.sampled_from(["keep", "keep", "keep", "set", "drop"])
    doc = copy.deepcopy(base)
    for name, spec in GROUPS.items():
        group = doc.get(name) if isinstance(doc.get(name), dict) else {}
        for key, options in spec.items():
            chosen = draw(action)
            if chosen == "set":
                group[key] = draw(st.sampled_from(options))
            elif chosen == "drop":
                group.pop(key, None)
        doc[name] = group
    for name, spec in ROWS.items():
        rows = []
        for row in doc.get(name, []):
            if draw(st.integers(0, 5)) == 0:
                continue  # deleted
            for key, options in spec.items():
                if draw(action) == "set":
                    row[key] = draw(st.sampled_from(options))
            rows.append(row)
        known = {row["id"] for row in rows} | {row["id"] for row in base.get(name, [])}
        fresh = [i for i in NEW_IDS[name] if i not in known]
        rows += draw(_rows(name, fresh)) if fresh and draw(st.booleans()) else []
        doc[name] = rows
    for name, options in ATOMIC.items():
        chosen = draw(st.sampled_from(["keep"] * 8 + ["set", "drop"]))
        if chosen == "set":
            doc[name] = draw(st.sampled_from(options))
        elif chosen == "drop":
            doc.pop(name, None)
    return doc


@st.composite
def pairs(draw) -> tuple[dict, dict]:
    base = draw(documents())
    return base, draw(edited(base))


@settings(max_examples=200, deadline=None)
@given(pairs())
def test_apply_of_diff_gives_the_new_document(pair):
    old, new = pair
    changes = diff(old, new)
    result = apply(old, changes)
    assert normalize(result) == normalize(new)
    assert diff(result, new) == {} and diff(new, result) == {}
    assert apply(result, changes) == result  # replaying the same changes changes nothing


@settings(max_examples=200, deadline=None)
@given(documents(), documents())
def test_no_diff_exactly_when_normal_forms_are_equal(a, b):
    assert (diff(a, b) == {}) == (normalize(a) == normalize(b))
    assert diff(a, a) == {}
    assert set(diff(a, b)) == set(diff(b, a))


def test_apply_copies_what_it_changes_and_shares_the_rest():
    """Copy-on-write: the edited row and section are new objects, the original keeps its values;
    untouched sections and rows are the same objects, which is what lets `diff` skip them."""
    doc = household()
    result = apply(doc, {f"members.{WANG}.name": "王建军", "household.phone": "13900000000"})
    assert doc == household()
    assert result["members"][0] is not doc["members"][0]
    assert result["household"] is not doc["household"]
    untouched = [k for k in doc if k not in ("members", "household")]
    assert untouched, "the example household has other sections"
    assert all(result[k] is doc[k] for k in untouched)
    assert diff(doc, result) == {f"members.{WANG}.name": "王建军", "household.phone": "13900000000"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"a": True}, {"a": 1}),
        ({"a": 1}, {"a": 1.0}),
        ({"a": None}, {"a": float("nan")}),
        ({"a": 10**30}, {"a": 10**30 + 1}),
        ({"a": ["x", "y"]}, {"a": ["y", "x"]}),
    ],
)
def test_copies_that_differ_only_in_type_or_order_are_still_told_apart(old, new):
    """Two separately parsed copies of a section are compared whole first; what plain equality or
    the JSON text would call equal is still a change."""
    changes = diff(
        {"household": old, "members": [{"id": WANG} | old]},
        {"household": new, "members": [{"id": WANG} | new]},
    )
    assert set(changes) == {"household.a", f"members.{WANG}.a"}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (True, 1),
        (1, 1.0),
        (0, False),
        ([1], [True]),
        ({"x": 1}, {"x": 1.0}),
        ([["甲"]], [["甲", "乙"]]),
        (float("nan"), float("nan")),
        (10**30, 10**30 + 1),
    ],
)
def test_a_field_compared_one_by_one_is_still_type_strict(old, new):
    """A section or row that changed elsewhere is compared field by field, with a shortcut for
    scalars; it must tell apart what plain equality calls equal, in an edited copy (shared values)
    and in a separately parsed one."""
    doc = {"household": {"a": old, "b": "甲"}, "members": [{"id": WANG, "a": old, "b": "甲"}]}
    changes = {"household.a": new, "household.b": "乙", f"members.{WANG}.a": new}
    expected = {"household.a": new, "household.b": "乙", f"members.{WANG}.a": new}
    edited_copy = apply(doc, {**changes, f"members.{WANG}.b": "乙"})
    assert diff(doc, edited_copy) == expected | {f"members.{WANG}.b": "乙"}
    parsed = copy.deepcopy(edited_copy)
    assert set(diff(doc, parsed)) == set(expected) | {f"members.{WANG}.b"}


def test_equal_values_in_an_edited_copy_are_no_change():
    doc = {"household": {"a": [1, {"b": 10**30}], "c": 1.0, "d": "甲"}}
    new = copy.deepcopy(doc)
    new["household"]["d"] = "乙"
    assert diff(doc, new) == {"household.d": "乙"}


def test_fields_only_the_new_side_has_come_after_the_others_in_its_order():
    changes = diff(
        {"household": {"a": 1, "b": 2}},
        {"household": {"c": 3, "b": 2, "d": None, "e": 5}},
    )
    assert list(changes.items()) == [("household.a", None), ("household.c", 3), ("household.e", 5)]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ({"household": {"": 1}}, {"household": {"": 2}}, "field name ''"),
        ({"household": {"a": 1}}, {"household": {"a": 2, 3: 1}}, "field name 3"),
        ({"a.b": {"x": 1}}, {"a.b": {"x": 1}}, "section name 'a.b'"),
        ({}, {"members": [{"id": "a.b"}]}, "row id in members 'a.b'"),
        ({"helpers": [{"id": 7}]}, {}, "row id in helpers 7"),
    ],
)
def test_diff_names_the_part_that_cannot_be_a_path(old, new, message):
    with pytest.raises(PathError, match=re.escape(message)):
        diff(old, new)


def test_equal_copies_with_keys_in_another_order_are_no_change():
    assert diff({"household": {"a": 1, "b": "二"}}, {"household": {"b": "二", "a": 1}}) == {}
