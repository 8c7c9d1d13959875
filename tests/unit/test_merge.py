"""The three-way merge (server/sync/merge.py): one rule per test, then properties on random edits.

Story for the unit tests: surveyor 赵敏 edits the 王建国 household offline (the device) while the
township reviewer corrects the same household on the server.
"""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.sync.merge import Conflict, MergeResult, merge, merge_changes
from server.sync.paths import REPEAT_SECTIONS, PathError, apply, diff, normalize, same, split
from server.sync.paths import value_at as at
from tests.unit.test_paths import LI, NEW, WANG, documents, edited, household, pairs

OTHER = "0b6f1c2e-0000-4000-8000-000000000004"


def edit(doc: dict, changes: dict) -> dict:
    return apply(doc, changes)


def ids(doc: dict, section: str = "members") -> list[str]:
    return [row["id"] for row in doc.get(section, [])]


def test_server_unchanged_is_a_fast_forward_to_the_device():
    base = household()
    device = edit(base, {"household.phone": "13900000000", f"members.{LI}": None})
    result = merge(base, base, device)
    assert result.kind == "fast_forward"
    assert result.document == device
    assert result.from_device == ["household.phone", f"members.{LI}"]
    assert result.from_server == result.conflicts == [] and not result.soft


def test_device_unchanged_keeps_the_server_document():
    base = household()
    server = edit(base, {"income.wage_migrant": "15000.00"})
    result = merge(base, server, base)
    assert result.document == server
    assert result.kind == "merged" and result.from_server == ["income.wage_migrant"]


def test_different_fields_changed_on_each_side_are_both_kept():
    base = household()
    server = edit(base, {"income.wage_migrant": "15000.00", f"members.{WANG}.name": "王建军"})
    device = edit(base, {"household.phone": "13900000000", f"members.{WANG}.relation": "户主"})
    device = edit(device, {f"members.{LI}.relation": "之女"})
    result = merge(base, server, device)
    assert result.kind == "merged" and result.soft
    assert result.from_server == [f"members.{WANG}.name", "income.wage_migrant"]  # document order
    assert result.from_device == ["household.phone", f"members.{LI}.relation"]
    doc = result.document
    assert doc["income"]["wage_migrant"] == "15000.00"
    assert doc["household"]["phone"] == "13900000000"
    assert doc["members"][0]["name"] == "王建军" and doc["members"][1]["relation"] == "之女"


def test_same_change_on_both_sides_is_not_a_conflict():
    base = household()
    both = edit(base, {"causes.main_cause": "因残"})
    result = merge(base, both, both)
    assert result.conflicts == [] and result.from_both == ["causes.main_cause"]
    assert result.kind == "merged" and result.soft
    assert result.document == both


def test_same_field_changed_differently_is_a_hard_conflict_and_the_server_value_stays():
    base = household()
    server = edit(base, {"income.wage_migrant": "15000.00", "household.group": "二组"})
    device = edit(base, {"income.wage_migrant": "18000.00"})
    result = merge(base, server, device)
    assert result.kind == "conflict" and not result.soft
    assert result.conflicts == [Conflict("income.wage_migrant", "12000.00", "15000.00", "18000.00")]
    assert result.conflicts[0].as_dict() == {
        "path": "income.wage_migrant",
        "base": "12000.00",
        "server": "15000.00",
        "device": "18000.00",
    }
    assert result.document == server


def test_a_multi_select_is_one_value_so_two_different_ticks_conflict():
    base = household()
    server = edit(base, {"causes.other_causes": ["缺技术", "缺资金"]})
    device = edit(base, {"causes.other_causes": ["缺技术", "因病"]})
    result = merge(base, server, device)
    assert result.conflicts == [
        Conflict("causes.other_causes", ["缺技术"], ["缺技术", "缺资金"], ["缺技术", "因病"])
    ]


def test_removing_a_field_against_changing_it_is_a_conflict():
    base = household()
    server = copy.deepcopy(base)
    del server["income"]["cost_business"]
    device = edit(base, {"income.cost_business": "900.00"})
    result = merge(base, server, device)
    assert result.conflicts == [Conflict("income.cost_business", "800.00", None, "900.00")]


def test_rows_are_matched_by_id_not_by_position():
    base = household()
    server = edit(base, {f"members.{LI}.name": "李秀兰"})
    server["members"].reverse()
    device = edit(base, {f"members.{WANG}.id_number": "420101197001011250"})
    result = merge(base, server, device)
    assert result.conflicts == []
    assert ids(result.document) == [LI, WANG]  # the server's order
    assert at(result.document, f"members.{LI}.name") == "李秀兰"
    assert at(result.document, f"members.{WANG}.id_number") == "420101197001011250"


def test_members_added_on_both_sides_are_all_kept_server_rows_first():
    base = household()
    server = edit(base, {f"members.{NEW}": {"id": NEW, "name": "王小明", "relation": "之子"}})
    device = edit(base, {f"members.{OTHER}": {"id": OTHER, "name": "王小红", "relation": "之女"}})
    result = merge(base, server, device)
    assert ids(result.document) == [WANG, LI, NEW, OTHER]
    assert result.from_server == [f"members.{NEW}"] and result.from_device == [f"members.{OTHER}"]
    assert result.duplicate_members == [] and result.conflicts == []


def test_the_same_person_added_on_both_sides_is_flagged_as_a_duplicate():
    base = household()
    server = edit(base, {f"members.{NEW}": {"id": NEW, "name": "王小明", "id_number": "x1X"}})
    device = edit(base, {f"members.{OTHER}": {"id": OTHER, "name": "王晓明", "id_number": " X1x "}})
    result = merge(base, server, device)
    assert result.duplicate_members == [(NEW, OTHER, "X1X")]
    assert ids(result.document) == [WANG, LI, NEW, OTHER]  # both kept: a person decides
    assert result.conflicts == []


@pytest.mark.parametrize("number", ["", None, "   "])
def test_members_without_id_number_are_never_duplicates(number):
    base = household()
    server = edit(base, {f"members.{NEW}": {"id": NEW, "id_number": number}})
    device = edit(base, {f"members.{OTHER}": {"id": OTHER, "id_number": number}})
    assert merge(base, server, device).duplicate_members == []


def test_a_member_added_on_one_side_only_is_not_a_duplicate_of_an_existing_one():
    base = household()
    device = edit(base, {f"members.{NEW}": {"id": NEW, "id_number": "420101197001011234"}})
    assert merge(base, base, device).duplicate_members == []


def test_the_same_row_id_added_identically_on_both_sides_is_one_row():
    base = household()
    row = {"id": NEW, "name": "王小明", "relation": "之子"}
    both = edit(base, {f"members.{NEW}": row})
    result = merge(base, both, both)
    assert ids(result.document) == [WANG, LI, NEW]
    assert result.from_both == [f"members.{NEW}"] and result.conflicts == []


def test_the_same_row_id_added_differently_merges_field_by_field_from_an_empty_row():
    base = household()
    server = edit(base, {f"members.{NEW}": {"id": NEW, "name": "王小明", "relation": "之子"}})
    device = edit(base, {f"members.{NEW}": {"id": NEW, "name": "王晓明", "education": "小学"}})
    result = merge(base, server, device)
    assert result.conflicts == [Conflict(f"members.{NEW}.name", None, "王小明", "王晓明")]
    assert at(result.document, f"members.{NEW}") == {
        "id": NEW,
        "name": "王小明",
        "relation": "之子",
        "education": "小学",
    }
    assert result.from_server == [f"members.{NEW}.relation"]
    assert result.from_device == [f"members.{NEW}.education"]
    assert ids(result.document) == [WANG, LI, NEW]


def test_device_edits_a_row_the_server_deleted_the_row_stays_deleted():
    base = household()
    server = edit(base, {f"members.{LI}": None})
    device = edit(base, {f"members.{LI}.name": "李秀兰", "household.phone": "13900000000"})
    result = merge(base, server, device)
    edited_row = at(device, f"members.{LI}")
    assert result.conflicts == [Conflict(f"members.{LI}", base["members"][1], None, edited_row)]
    assert ids(result.document) == [WANG]
    assert result.document["household"]["phone"] == "13900000000"


def test_device_deletes_a_row_the_server_edited_the_row_stays_with_the_server_edits():
    base = household()
    server = edit(base, {f"members.{LI}.relation": "之女"})
    device = edit(base, {f"members.{LI}": None})
    result = merge(base, server, device)
    assert result.conflicts == [
        Conflict(f"members.{LI}", base["members"][1], server["members"][1], None)
    ]
    assert result.document == server


def test_a_row_deleted_on_both_sides_is_deleted_without_conflict():
    base = household()
    gone = edit(base, {f"members.{LI}": None})
    result = merge(base, gone, gone)
    assert result.conflicts == [] and result.from_both == [f"members.{LI}"]
    assert ids(result.document) == [WANG]


def test_a_row_deleted_on_one_side_and_untouched_on_the_other_is_deleted():
    base = household()
    gone = edit(base, {f"members.{LI}": None})
    changed = edit(base, {"household.phone": "13900000000"})
    for server, device in [(gone, changed), (changed, gone)]:
        result = merge(base, server, device)
        assert result.conflicts == [] and ids(result.document) == [WANG]


def test_a_section_replaced_as_a_whole_against_field_edits_conflicts_as_a_whole():
    base = {**household(), "extra": {"a": "甲"}}
    server = {**base, "extra": "整段替换"}
    device = edit(base, {"extra.a": "乙"})
    result = merge(base, server, device)
    assert result.conflicts == [Conflict("extra", {"a": "甲"}, "整段替换", {"a": "乙"})]
    assert result.document["extra"] == "整段替换"
    assert merge(base, server, server).from_both == ["extra"]
    assert merge(base, base, server).from_device == ["extra"]


def test_unknown_atomic_sections_merge_as_one_value():
    base = {**household(), "note": "旧"}
    result = merge(base, {**base, "note": "服务器"}, {**base, "note": "手机"})
    assert result.conflicts == [Conflict("note", "旧", "服务器", "手机")]


def test_a_field_added_to_a_section_the_server_removed_is_kept():
    base = household()
    server = {k: v for k, v in base.items() if k != "guarantees"}
    device = edit(base, {"guarantees.housing_secure": True})
    result = merge(base, server, device)
    assert result.conflicts == []
    assert result.document["guarantees"] == {"housing_secure": True}


def test_merge_changes_takes_the_device_change_map():
    base = household()
    server = edit(base, {"household.group": "二组"})
    changes = {"household.phone": "13900000000", f"members.{NEW}": {"id": NEW, "name": "王小明"}}
    result = merge_changes(base, server, changes)
    assert result == merge(base, server, apply(base, changes))
    assert result.from_device == ["household.phone", f"members.{NEW}"]
    with pytest.raises(PathError):
        merge_changes(base, server, {f"members.{NEW}.name": "王小明"})


def test_merge_never_mutates_its_inputs():
    base = household()
    server = edit(base, {f"members.{LI}": None})
    device = edit(base, {f"members.{NEW}": {"id": NEW}, "income.wage_migrant": "1.00"})
    copies = copy.deepcopy((base, server, device))
    result = merge(base, server, device)
    result.document["members"].clear()
    assert (base, server, device) == copies


def test_the_merged_document_and_conflicts_do_not_share_the_device_rows():
    """The merge reads the device's rows in place; what it keeps of them must be copies."""
    base = household()
    server = edit(base, {f"members.{LI}": None})
    device = edit(
        base, {f"members.{NEW}": {"id": NEW, "name": "王小明"}, f"members.{LI}.name": "李"}
    )
    result = merge(base, server, device)
    added, edited_row = at(device, f"members.{NEW}"), at(device, f"members.{LI}")
    assert result.document["members"][-1] == added
    assert result.document["members"][-1] is not device["members"][-1]
    assert result.conflicts == [Conflict(f"members.{LI}", base["members"][1], None, edited_row)]
    assert result.conflicts[0].device is not device["members"][1]
    assert result.conflicts[0].base is not base["members"][1]


def test_a_large_family_is_merged_row_by_row():
    """Forty members, rows edited, deleted and added on both sides: each row is found by its id."""
    people = [{"id": f"m{n:02d}", "name": f"成员{n}", "relation": "之子"} for n in range(40)]
    base = {**household(), "members": people}
    server = edit(
        base,
        {
            "members.m05.name": "王五",
            "members.m07": None,
            "members.s1": {"id": "s1", "name": "新生儿", "id_number": "610526201901010011"},
        },
    )
    device = edit(
        base,
        {
            "members.m30.relation": "之女",
            "members.m12": None,
            "members.m07.name": "李七",
            "members.d1": {"id": "d1", "name": "新生儿", "id_number": "610526201901010011"},
        },
    )
    result = merge(base, server, device)
    kept = [f"m{n:02d}" for n in range(40) if n not in (7, 12)]
    assert ids(result.document) == [*kept, "s1", "d1"]
    assert at(result.document, "members.m05.name") == "王五"
    assert at(result.document, "members.m30.relation") == "之女"
    assert result.from_server == ["members.m05.name", "members.s1"]
    assert result.from_device == ["members.m12", "members.m30.relation", "members.d1"]
    assert [c.path for c in result.conflicts] == ["members.m07"]
    assert result.duplicate_members == [("s1", "d1", "610526201901010011")]


def test_the_result_is_frozen():
    result = merge(household(), household(), household())
    assert isinstance(result, MergeResult) and result.kind == "fast_forward"
    with pytest.raises(AttributeError):
        result.soft = True


# -- properties on random households and random concurrent edits --------------------------


@st.composite
def scenarios(draw) -> tuple[dict, dict, dict]:
    base = draw(documents())
    return base, draw(edited(base)), draw(edited(base))


@st.composite
def disjoint_scenarios(draw) -> tuple[dict, dict, dict]:
    """One random edit of base, its changes dealt out to the two sides by row or by field."""
    base = draw(documents())
    changes = diff(base, draw(edited(base)))
    sides: tuple[dict, dict] = ({}, {})
    owner: dict[tuple, int] = {}
    for path, value in changes.items():
        parts = split(path)
        unit = parts[:2] if parts[0] in REPEAT_SECTIONS or len(parts) == 1 else parts
        owner.setdefault(unit, draw(st.integers(0, 1)))
        sides[owner[unit]][path] = value
    return base, apply(base, sides[0]), apply(base, sides[1])


def expanded(changes: dict, base: dict):
    """Each changed path with its value; an added row stands for each of its answered fields.

    A ``None`` field of an added row is no answer, the same as the empty row it grew from, so a
    value the other side typed there is kept without a conflict.
    """
    for path, value in changes.items():
        parts = split(path)
        if parts[0] in REPEAT_SECTIONS and len(parts) == 2 and value is not None:
            assert at(base, path) is None  # diff sends whole rows for added rows only
            yield from ((f"{path}.{k}", v) for k, v in value.items() if v is not None)
        else:
            yield path, value


def in_conflict(result: MergeResult, path: str, value, side: str) -> bool:
    """Whether a conflict at ``path`` or at its row or section keeps ``value`` for ``side``."""
    for conflict in result.conflicts:
        kept = getattr(conflict, side)
        if conflict.path == path and same(kept, value):
            return True
        if path.startswith(conflict.path + ".") and isinstance(kept, dict):
            if same(kept.get(path[len(conflict.path) + 1 :]), value):
                return True
    return False


def assert_nothing_lost(result: MergeResult, base: dict, side_doc: dict, side: str, conflicts_ok):
    for path, value in expanded(diff(base, side_doc), base):
        if same(at(result.document, path), value):
            continue
        assert conflicts_ok and in_conflict(result, path, value, side), (side, path, value)


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(scenarios())
def test_nothing_typed_is_lost(scenario):
    base, server, device = scenario
    result = merge(base, server, device)
    assert_nothing_lost(result, base, server, "server", conflicts_ok=False)  # server always stays
    assert_nothing_lost(result, base, device, "device", conflicts_ok=True)
    for path, value in diff(server, result.document).items():  # nothing invented either
        assert same(at(device, path), value), path
    for conflict in result.conflicts:
        assert same(at(result.document, conflict.path), conflict.server)
        assert not same(conflict.server, conflict.device)
    listed = result.from_server + result.from_device + result.from_both
    listed += [c.path for c in result.conflicts]
    assert len(listed) == len(set(listed))
    assert (result.kind == "conflict") == bool(result.conflicts)
    assert (result.kind == "fast_forward") == (diff(base, server) == {})


@SETTINGS
@given(scenarios())
def test_without_conflicts_every_change_of_both_sides_is_in_the_result(scenario):
    base, server, device = scenario
    result = merge(base, server, device)
    if not result.conflicts:
        assert_nothing_lost(result, base, server, "server", conflicts_ok=False)
        assert_nothing_lost(result, base, device, "device", conflicts_ok=False)
        assert result.soft == (diff(base, server) != {} and diff(base, device) != {})


@SETTINGS
@given(pairs())
def test_an_unchanged_side_means_the_other_side_wins(pair):
    base, other = pair
    forward = merge(base, base, other)
    assert normalize(forward.document) == normalize(other)
    assert forward.kind == "fast_forward" and forward.conflicts == []
    assert merge(base, other, base).document == other


@SETTINGS
@given(scenarios())
def test_replaying_the_same_device_changes_changes_nothing(scenario):
    base, server, device = scenario
    first = merge(base, server, device)
    again = merge(base, first.document, device)
    assert normalize(again.document) == normalize(first.document)
    assert again.from_device == []
    assert again.conflicts == first.conflicts
    replay = merge_changes(base, first.document, diff(base, device))
    assert normalize(replay.document) == normalize(first.document)


def both_ways(scenario):
    """The merge of a scenario, and the same merge with the server and the device swapped."""
    base, server, device = scenario
    return merge(base, server, device), merge(base, device, server)


@SETTINGS
@given(disjoint_scenarios())
def test_disjoint_edits_merge_the_same_in_either_order(scenario):
    one, other = both_ways(scenario)
    assert one.conflicts == other.conflicts == []
    assert normalize(one.document) == normalize(other.document)
    assert sorted(one.from_server) == sorted(other.from_device)


@SETTINGS
@given(scenarios())
def test_swapping_the_sides_swaps_the_conflicts(scenario):
    one, other = both_ways(scenario)
    swapped = [Conflict(c.path, c.base, c.device, c.server) for c in other.conflicts]
    assert sorted(map(repr, one.conflicts)) == sorted(map(repr, swapped))
    if not one.conflicts:
        assert normalize(one.document) == normalize(other.document)


NUMBERS = st.sampled_from(["420101199001011234", "42010119850505123x", "42010119850505123X", ""])


@SETTINGS
@given(documents(), st.lists(NUMBERS, max_size=3), st.lists(NUMBERS, max_size=3))
def test_duplicate_members_are_the_pairs_added_on_each_side_with_one_id_number(base, ours, theirs):
    def added(prefix: str, numbers: list[str]) -> dict:
        return {
            f"members.{prefix}{i}": {"id": f"{prefix}{i}", "id_number": n}
            for i, n in enumerate(numbers)
        }

    server, device = apply(base, added("s", ours)), apply(base, added("d", theirs))
    result = merge(base, server, device)
    expected = [
        (f"s{i}", f"d{j}", a.upper())
        for i, a in enumerate(ours)
        for j, b in enumerate(theirs)
        if a and a.upper() == b.upper()
    ]
    assert result.duplicate_members == expected
    assert {row_id for pair in expected for row_id in pair[:2]} <= set(ids(result.document))


@SETTINGS
@given(scenarios())
def test_every_conflict_can_be_decided_for_either_side_by_applying_its_path(scenario):
    """A reviewer resolves a conflict by applying ``{path: value}`` to the merged document."""
    base, server, device = scenario
    result = merge(base, server, device)
    for conflict in result.conflicts:
        for chosen in (conflict.server, conflict.device, conflict.base):
            decided = apply(result.document, {conflict.path: chosen})
            assert same(at(decided, conflict.path), chosen)
