"""The demo county's areas: five townships of eight villages, each village of four groups.

Ids are given here rather than by the database so that the households made in worker processes
can name their village and township before anything is written.
"""

COUNTY = ("610526", "青山县")
COUNTY_ID = 1
TOWNSHIPS = ["城关镇", "青龙镇", "白河乡", "石门镇", "柳湾乡"]
VILLAGE_STEMS = [
    "东坪",
    "西沟",
    "南岭",
    "北塬",
    "石桥",
    "杨家",
    "李家",
    "王庄",
    "柳树",
    "枣林",
    "马坊",
    "高庙",
    "孙家",
    "三合",
    "新联",
    "红星",
    "龙泉",
    "白杨",
    "东风",
    "双河",
    "清水",
    "塔寺",
    "梁家",
    "赵湾",
    "黄土",
    "上坪",
    "下坪",
    "牛家",
    "槐树",
    "果园",
    "店子",
    "前进",
    "团结",
    "胜利",
    "和平",
    "长乐",
    "永安",
    "太平",
    "兴隆",
    "金盆",
]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
VILLAGES_PER_TOWNSHIP = 8
GROUPS_PER_VILLAGE = 4


def area_rows() -> tuple[list[dict], dict[int, list[tuple[int, str]]]]:
    """(the area table's rows, {township id: [(village id, village code), ...]})."""
    county_id = COUNTY_ID
    rows = [_row(county_id, None, COUNTY[0], COUNTY[1], "county", f"/{county_id}/")]
    tree: dict[int, list[tuple[int, str]]] = {}
    next_id = 2
    stems = iter(VILLAGE_STEMS)
    for t, township in enumerate(TOWNSHIPS, start=1):
        tid = next_id
        next_id += 1
        path = f"/{county_id}/{tid}/"
        rows.append(_row(tid, county_id, f"{COUNTY[0]}{t:03d}", township, "township", path))
        tree[tid] = []
        for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
            vid = next_id
            next_id += 1
            code = f"{COUNTY[0]}{t:03d}{v:03d}"
            village_path = f"{path}{vid}/"
            rows.append(_row(vid, tid, code, next(stems) + "村", "village", village_path))
            tree[tid].append((vid, code))
            for g, group in enumerate(GROUPS[:GROUPS_PER_VILLAGE], start=1):
                gid = next_id
                next_id += 1
                group_path = f"{village_path}{gid}/"
                rows.append(_row(gid, vid, f"{code}{g:02d}", group, "group", group_path))
    return rows, tree


def _row(area_id: int, parent_id: int | None, code: str, name: str, level: str, path: str) -> dict:
    return {
        "id": area_id,
        "parent_id": parent_id,
        "code": code,
        "name": name,
        "level": level,
        "path": path,
    }
