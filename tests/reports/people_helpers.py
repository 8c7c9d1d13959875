"""A village worth printing, and a PDF read back page by page, for the documents for people.

The demo puts three households in each village of the test county; a notice of three rows shows
little. Here every household of the first township moves into its first village, about half of
them become registered poor households (未脱贫: the exit notice's candidates), every household
gets a number of its own in the village (as a real village's are), their columns are derived
again from the changed documents, and review states are spread over all five.
"""

import copy
import random
import re
import subprocess
from pathlib import Path

from sqlalchemy import select, update

from server.domain import idcard, notices
from server.domain.income import is_counted
from server.domain.summary import summarize
from server.extensions import db
from server.households.derived import derived_columns
from server.models import Area, Campaign, Household

OUT = Path(__file__).resolve().parents[2] / "test-output" / "reports"
STATES = ["draft", "submitted", "returned", "approved", "accepted"]
FULL_ID = re.compile(r"\d{17}[\dX]")


def crowded_village(campaign_id: int = 1, seed: int = 5) -> Area:
    campaign = db.session.get(Campaign, campaign_id)
    township = db.session.scalar(select(Area).where(Area.level == "township").order_by(Area.code))
    village = db.session.scalar(
        select(Area).where(Area.parent_id == township.id).order_by(Area.code)
    )
    rng = random.Random(seed)
    households = db.session.scalars(
        select(Household)
        .where(Household.township_id == township.id, Household.campaign_id == campaign_id)
        .order_by(Household.id)
    ).all()
    for n, hh in enumerate(households, 1):
        document = copy.deepcopy(hh.document)
        document["household"]["household_no"] = f"{village.code}{n:04d}"
        if rng.random() < 0.5:
            document["household"]["status"] = "未脱贫"
            document["household"].setdefault("attribute", "一般贫困户")
            document["household"].setdefault("standard", "国家标准")
            document["causes"].setdefault("main_cause", "缺技术")
        values = derived_columns(document, campaign.lines)
        values |= {
            "document": document,
            "village_id": village.id,
            "campaign_id": campaign.id,
            "review_state": rng.choices(STATES, [1, 2, 2, 3, 4])[0],
        }
        db.session.execute(update(Household).where(Household.id == hh.id).values(**values))
    db.session.commit()
    return village


def expected_notice(village: Area, campaign_id: int, subject: str, states=None) -> list:
    """The notice's rows by a plain loop over the stored documents through the domain."""
    campaign = db.session.get(Campaign, campaign_id)
    exit_line = next((x for x in campaign.lines if x.get("purpose") == "exit"), None)
    states = states or ("approved", "accepted")
    rows = []
    for hh in db.session.scalars(select(Household).order_by(Household.id)):
        if hh.village_id != village.id or hh.campaign_id != campaign_id or hh.deleted:
            continue
        if hh.review_state not in states:
            continue
        document = hh.document
        summary = summarize(document, campaign.lines)
        section = document.get("household") or {}
        if not notices.listed(
            subject, section.get("status"), summary["exit_eligible"], summary["monitoring_type"]
        ):
            continue
        head = next(m for m in document["members"] if m.get("relation") == "户主" and is_counted(m))
        causes = document.get("causes") or {}
        reason = notices.reason(
            subject,
            main_cause=causes.get("main_cause"),
            per_capita=summary["per_capita_net_income"],
            exit_line=exit_line,
            monitoring=summary["monitoring_type"],
            risks=causes.get("risks"),
        )
        rows.append(
            (
                section.get("household_no"),
                hh.id,
                section.get("group") or "",
                head["name"],
                idcard.mask(head["id_number"]),
                summary["household_size"],
                section.get("attribute") or "",
                section.get("status") or "",
                reason,
            )
        )
    return [row[2:] for row in sorted(rows)]  # by household number, then id: the SQL's order


def member_ids(village: Area) -> set[str]:
    """Every member's ID number of every household of the village, in any state."""
    found = set()
    for hh in db.session.scalars(select(Household).where(Household.village_id == village.id)):
        found |= {m["id_number"] for m in hh.document["members"] if m.get("id_number")}
    return found


def pdf_pages(data: bytes, name: str, pngs: int = 2) -> list[str]:
    """The text of each page, in reading order (pdftotext without -layout keeps a wrapped cell's
    lines together); the first `pngs` pages also as PNG to look at."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    path.write_bytes(data)
    if pngs:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-l", str(pngs), str(path), str(OUT / name)],
            check=True,
        )
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def page_count(data: bytes, name: str) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def joined_text(name: str) -> str:
    """A saved PDF's text in reading order with every space and line break taken out: a value a
    narrow cell wrapped over several lines reads whole again."""
    text = subprocess.run(
        ["pdftotext", str(OUT / f"{name}.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(text.split())
