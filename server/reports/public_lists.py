"""The public-notice list (公示名单) of a village and the county's announcement (公告).

Both are posted, so ID numbers are masked (`idcard.mask`) and no phone, bank account or member is
printed: a household is its head's name, its group, its size, its attribute and status, and why it
is listed. The wording follows a published county notice (REPORTS.md): the steps taken, the counts
("共1户4人"), the period with its dates, where to object (12317 and the county's own telephone),
the issuing body and the date.
"""

from decimal import Decimal

from server.domain import idcard, lines, money, notices
from server.reports import people_queries

NOTICE_COLUMNS = ("序号", "组", "户主姓名", "身份证号", "家庭人口", "属性", "户类别")
ANNOUNCEMENT_COLUMNS = ("序号", "乡镇", "村", "组", "户主姓名", "身份证号", "家庭人口", "属性")


def rows(campaign, area, states, subject: notices.Subject) -> list[dict]:
    """The households listed, village by village, each with its masked ID and its reason."""
    exit_line = lines.by_purpose(campaign.lines, "exit")
    listed = []
    for row in people_queries.notice_rows(campaign.id, area, states, subject.key):
        (village_id, group, number, head, id_number, size, attribute, status, cause) = row[:9]
        per_capita, monitoring, risks = row[9:]
        listed.append(
            {
                "village_id": village_id,
                "household_no": number or "",  # not printed: the notice names the head
                "group": group or "",
                "head": head or "",
                "id_number": idcard.mask(id_number),
                "size": int(size or 0),
                "attribute": attribute or "",
                "status": status or "",
                "reason": notices.reason(
                    subject.key,
                    main_cause=cause,
                    per_capita=None if per_capita is None else _money(per_capita),
                    exit_line=exit_line,
                    monitoring=monitoring,
                    risks=risks if isinstance(risks, list) else [],
                ),
            }
        )
    return listed


def _money(value) -> str:
    return money.to_str(money.quantize(Decimal(str(value))))


def complaint(county, township, settings: dict) -> dict:
    """Where to object: the national telephone, the county's own, and the offices to write to."""
    office = office_name(county)
    places = f"{township.name}人民政府或{office}" if township is not None else office
    return {
        "hotline": notices.NATIONAL_HOTLINE,
        "phone": settings.get("RUHU_COUNTY_COMPLAINT_PHONE") or "",
        "address": settings.get("RUHU_COUNTY_COMPLAINT_ADDRESS") or "",
        "places": places,
        "office": office,
    }


def office_name(county) -> str:
    return f"{county.name}扶贫开发领导小组办公室"


def notice(base: dict, campaign, village, township, county, subject, period, settings) -> dict:
    """A village's notice: preamble, list, complaint lines, the village committee and the date."""
    listed = rows(campaign, village, base["parameters"]["states"], subject)
    households, people = len(listed), sum(r["size"] for r in listed)
    start, end = period
    where = complaint(county, township, settings)
    for n, row in enumerate(listed, 1):
        row["number"] = n
    return base | {
        "kind": "notice",
        "subject": subject.noun,
        "reason_label": subject.reason_label,
        "columns": [*NOTICE_COLUMNS, subject.reason_label, "备注"],
        "rows": listed,
        "households": households,
        "people": people,
        "preamble": (
            f"根据{campaign.name}工作安排，经{subject.procedure}，{village.name}"
            f"{subject.noun}共{households}户{people}人，现予以公示。"
        ),
        "period_sentence": (
            f"公示时间为{(end - start).days + 1}天（{notices.period_text(start, end)}）。"
            f"公示期间，如有异议，请以来信、来电、来访等方式向{village.name}村民委员会、"
            f"{where['places']}反映。"
        ),
        "complaint": where,
        "issuer": f"{village.name}村民委员会",
        "issued": notices.chinese_date(start),
    }


def announcement(base: dict, campaign, county, subject, period, settings) -> dict:
    """The county's list, township by township with a 小计 each, and its announcement text."""
    listed = rows(campaign, county, base["parameters"]["states"], subject)
    places = people_queries.villages_in(county)
    village_of = {v.id: (t, v) for t, v in places}
    out, number, by_township = [], 0, {}
    for row in listed:
        township, village = village_of[row["village_id"]]
        by_township.setdefault(township.id, (township, []))[1].append(row | {"village": village})
    for township, members in by_township.values():
        for row in members:
            number += 1
            out.append(
                row
                | {"kind": "household", "number": number}
                | {"township": township.name, "village": row["village"].name}
            )
        out.append(
            {
                "kind": "subtotal",
                "township": township.name,
                "households": len(members),
                "size": sum(r["size"] for r in members),
            }
        )
    households, people = len(listed), sum(r["size"] for r in listed)
    villages = len({r["village_id"] for r in listed})
    start, end = period
    where = complaint(county, None, settings)
    return base | {
        "kind": "announcement",
        "subject": subject.noun,
        "reason_label": subject.reason_label,
        "columns": [*ANNOUNCEMENT_COLUMNS, subject.reason_label],
        "rows": out,
        "households": households,
        "people": people,
        "preamble": (
            f"根据{campaign.name}工作安排，经{subject.procedure}、村内公示、乡镇审核并再次公示、"
            f"县级复审，现将{county.name}{subject.noun}名单予以公告：全县共{households}户"
            f"{people}人，涉及{len(by_township)}个乡镇{villages}个村。"
        ),
        "period_sentence": (
            f"公告期为{(end - start).days + 1}天（{notices.period_text(start, end)}）。"
            f"公告期间，如有异议，请以来信、来电、来访等方式向{where['office']}反映。"
        ),
        "complaint": where,
        "issuer": where["office"],
        "issued": notices.chinese_date(start),
    }
