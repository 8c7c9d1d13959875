"""Spot checks (抽查): the township checks again at least 20% of a village's households, the county
at least 10% (the identification procedure's review steps).

The sample is drawn at random but reproducibly: the generator is seeded by the campaign, the
village and the level, and draws from the village's households in a fixed order, so drawing again
gives the same households, and anyone can verify a draw. The drawn households are kept (a
household added to the village later does not move the sample); a reviewer may check more than
were drawn. Each check records its result (符合 / 不符合) and a note.
"""

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from server.campaigns import queries as campaigns
from server.core.database import write_transaction
from server.core.errors import ApiError
from server.domain.fieldchecks import UNWRITABLE
from server.domain.roles import COUNTY, REVIEWER
from server.extensions import db
from server.households import queries as households
from server.identity.access import require_household, require_village
from server.models import Area, Household, SpotCheck, User

# level -> (the role that checks at it, the share of a village's households it must check)
LEVELS = {"township": (REVIEWER, Decimal("0.20")), "county": (COUNTY, Decimal("0.10"))}
LEVEL_LABELS = {"township": "乡镇抽查", "county": "县级抽查"}
RESULTS = ("符合", "不符合")
NOTE_MAX = 200


def level_of(user: User) -> str:
    for level, (role, _) in LEVELS.items():
        if user.role == role:
            return level
    raise ApiError(403, "只有乡镇审核员和县级管理员可以抽查", "forbidden_role")


def required_count(total: int, level: str) -> int:
    """At least the level's share of the households, rounded up: 20% of 23 is 5."""
    return math.ceil(total * LEVELS[level][1])


def seed_of(campaign_id: int, village_id: int, level: str) -> int:
    """The draw's seed: the same for the same campaign, village and level, on any machine."""
    digest = hashlib.sha256(f"spotcheck:{campaign_id}:{village_id}:{level}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(household_ids: list[str], count: int, seed: int) -> list[str]:
    """`count` of the households, drawn by a generator seeded with `seed` from them in id order."""
    ordered = sorted(household_ids)
    return random.Random(seed).sample(ordered, min(count, len(ordered)))


@dataclass
class Status:
    campaign_id: int
    village_id: int
    village_name: str
    level: str
    total: int  # the village's households in the campaign
    required: int  # how many must be checked
    checks: list  # the drawn (and added) households, with their results

    @property
    def done(self) -> int:
        return sum(1 for c in self.checks if c["result"])

    @property
    def share(self) -> Decimal:
        return Decimal(self.done) / self.total if self.total else Decimal(0)

    def as_dict(self) -> dict:
        return {
            "campaign_id": self.campaign_id,
            "village_id": self.village_id,
            "village_name": self.village_name,
            "level": self.level,
            "level_label": LEVEL_LABELS[self.level],
            "required_share": f"{LEVELS[self.level][1]:.2f}",
            "households": self.total,
            "required": self.required,
            "drawn": sum(1 for c in self.checks if c["sampled"]),
            "done": self.done,
            "share": f"{self.share:.4f}",
            "enough": self.done >= self.required and self.total > 0,
            "checks": self.checks,
        }


def _village_households(campaign_id: int, village_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Household.id).where(
                Household.village_id == village_id,
                Household.campaign_id == campaign_id,
                Household.deleted.is_(False),
            )
        )
    )


def _campaign(campaign_id: int) -> None:
    if campaigns.get_campaign(campaign_id) is None:
        raise ApiError(422, "调查轮次不存在", "invalid", {"campaign_id": ["调查轮次不存在"]})


def status(user: User, campaign_id: int, village_id: int) -> Status:
    """Where the spot checks of a village stand, at the user's level."""
    level = level_of(user)
    require_village(user, village_id)
    _campaign(campaign_id)
    total = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .where(
            Household.village_id == village_id,
            Household.campaign_id == campaign_id,
            Household.deleted.is_(False),
        )
    )
    rows = db.session.execute(
        select(SpotCheck, Household.household_no, Household.head_name, Household.review_state)
        .join(Household, Household.id == SpotCheck.household_id)
        .where(
            SpotCheck.campaign_id == campaign_id,
            SpotCheck.village_id == village_id,
            SpotCheck.level == level,
        )
        .order_by(SpotCheck.sampled.desc(), Household.household_no, SpotCheck.household_id)
    ).all()
    checks = [
        {
            "id": c.id,
            "household_id": c.household_id,
            "household_no": no,
            "head_name": head,
            "review_state": state,
            "sampled": c.sampled,
            "result": c.result,
            "note": c.note,
            "checked_at": c.checked_at.isoformat() if c.checked_at else None,
        }
        for c, no, head, state in rows
    ]
    village = db.session.get(Area, village_id)
    return Status(
        campaign_id, village_id, village.name, level, total, required_count(total, level), checks
    )


def draw_sample(user: User, campaign_id: int, village_id: int) -> Status:
    """Draw the village's sample at the user's level, once: drawing again keeps the first draw
    (the same seed gives the same households anyway, while the village is unchanged)."""
    level = level_of(user)
    require_village(user, village_id)
    _campaign(campaign_id)
    author_id = user.id
    try:
        _draw_once(author_id, campaign_id, village_id, level)
    except IntegrityError:  # a colleague drew the same sample at the same moment: it stands
        db.session.rollback()
    return status(user, campaign_id, village_id)


def _draw_once(author_id: int, campaign_id: int, village_id: int, level: str) -> None:
    with write_transaction():
        drawn = db.session.scalar(
            select(func.count())
            .select_from(SpotCheck)
            .where(
                SpotCheck.campaign_id == campaign_id,
                SpotCheck.village_id == village_id,
                SpotCheck.level == level,
                SpotCheck.sampled.is_(True),
            )
        )
        if not drawn:
            ids = _village_households(campaign_id, village_id)
            chosen = draw(
                ids, required_count(len(ids), level), seed_of(campaign_id, village_id, level)
            )
            have = set(
                db.session.scalars(
                    select(SpotCheck.household_id).where(
                        SpotCheck.campaign_id == campaign_id,
                        SpotCheck.level == level,
                        SpotCheck.household_id.in_(chosen),
                    )
                )
            )
            at = datetime.now(UTC)
            for household_id in chosen:
                if household_id in have:  # checked by hand before the draw: now drawn too
                    db.session.execute(
                        SpotCheck.__table__.update()
                        .where(
                            SpotCheck.campaign_id == campaign_id,
                            SpotCheck.level == level,
                            SpotCheck.household_id == household_id,
                        )
                        .values(sampled=True)
                    )
                    continue
                db.session.add(
                    SpotCheck(
                        campaign_id=campaign_id,
                        village_id=village_id,
                        level=level,
                        household_id=household_id,
                        sampled=True,
                        drawn_by=author_id,
                        drawn_at=at,
                    )
                )


def record(user: User, household_id: str, result: str, note: str | None) -> dict:
    """Record the check of one household at the user's level (added to the checks when it was
    not drawn); the check as stored."""
    level = level_of(user)
    if result not in RESULTS:
        raise ApiError(422, "请选择抽查结果", "invalid", {"result": ["请选择“符合”或“不符合”"]})
    note = (note or "").strip() or None
    if note and (len(note) > NOTE_MAX or UNWRITABLE.search(note)):
        message = f"说明不能超过 {NOTE_MAX} 个字" if len(note) > NOTE_MAX else "含有不允许的字符"
        raise ApiError(422, message, "invalid", {"note": [message]})
    if result == "不符合" and not note:
        raise ApiError(422, "不符合时请说明情况", "invalid", {"note": ["不符合时请说明情况"]})
    author_id = user.id
    with write_transaction():
        hh = require_household(user, households.get_household(household_id))
        if hh.deleted:
            raise ApiError(404, "该户已删除", "deleted")
        check = db.session.scalar(
            select(SpotCheck).where(
                SpotCheck.campaign_id == hh.campaign_id,
                SpotCheck.level == level,
                SpotCheck.household_id == hh.id,
            )
        )
        at = datetime.now(UTC)
        if check is None:
            check = SpotCheck(
                campaign_id=hh.campaign_id,
                village_id=hh.village_id,
                level=level,
                household_id=hh.id,
                sampled=False,
                drawn_by=author_id,
                drawn_at=at,
            )
            db.session.add(check)
        check.result, check.note, check.checked_by, check.checked_at = result, note, author_id, at
        db.session.flush()
        out = {
            "id": check.id,
            "household_id": check.household_id,
            "level": level,
            "sampled": check.sampled,
            "result": check.result,
            "note": check.note,
            "checked_at": at.isoformat(),
        }
    return out


def check_of(user: User, hh) -> dict | None:
    """The check of one household at the user's level, if it is drawn or checked."""
    level = level_of(user)
    check = db.session.scalar(
        select(SpotCheck).where(
            SpotCheck.campaign_id == hh.campaign_id,
            SpotCheck.level == level,
            SpotCheck.household_id == hh.id,
        )
    )
    if check is None:
        return {"level": level, "level_label": LEVEL_LABELS[level], "drawn": False}
    return {
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "drawn": check.sampled,
        "result": check.result,
        "note": check.note,
        "checked_at": check.checked_at,
    }


def overview(user: User, campaign_id: int, village_ids: list[int]) -> dict[int, dict]:
    """{village id: households, required, drawn, done} at the user's level, by SQL aggregates."""
    level = level_of(user)
    if not village_ids:
        return {}
    totals = dict(
        db.session.execute(
            select(Household.village_id, func.count())
            .where(
                Household.campaign_id == campaign_id,
                Household.village_id.in_(village_ids),
                Household.deleted.is_(False),
            )
            .group_by(Household.village_id)
        ).all()
    )
    checks = {
        v: (drawn, done)
        for v, drawn, done in db.session.execute(
            select(
                SpotCheck.village_id,
                func.count().filter(SpotCheck.sampled.is_(True)),
                func.count(SpotCheck.result),
            )
            .where(
                SpotCheck.campaign_id == campaign_id,
                SpotCheck.level == level,
                SpotCheck.village_id.in_(village_ids),
            )
            .group_by(SpotCheck.village_id)
        ).all()
    }
    out = {}
    for v in village_ids:
        total = totals.get(v, 0)
        drawn, done = checks.get(v, (0, 0))
        required = required_count(total, level)
        out[v] = {
            "households": total,
            "required": required,
            "drawn": drawn,
            "done": done,
            "share": Decimal(done) / total if total else Decimal(0),
            "enough": total > 0 and done >= required,
        }
    return out
