"""Households: list a village, read one, create, update with its base version, history."""

import uuid

from flask import current_app, g, jsonify, request, url_for

from server import store
from server.api import api
from server.api.errors import ApiError, fields_from_messages
from server.api.schemas import HouseholdCreate, HouseholdUpdate, Paging, household_out, load_json
from server.core.database import write_transaction
from server.domain.workflow import is_locked
from server.extensions import db
from server.households import records
from server.identity.access import require_household, require_village, visible_village_ids
from server.identity.tokens import login_required, roles_required
from server.models import Household
from server.sync.paths import diff

EDITORS = ("surveyor", "reviewer", "county")


@api.get("/households")
@login_required
def list_households():
    args = Paging().load(request.args)
    per_page = min(args["per_page"], current_app.config["RUHU_PAGE_SIZE_MAX"])
    villages = visible_village_ids(g.user)
    if args["village"] is not None:
        require_village(g.user, args["village"])
        villages = [args["village"]]
    rows, total = store.households_page(
        villages, args["page"], per_page, review_state=args["state"], search=args["q"]
    )
    return jsonify(
        {
            "items": [household_out(h, full=False) for h in rows],
            "page": args["page"],
            "per_page": per_page,
            "total": total,
        }
    )


@api.get("/households/<household_id>")
@login_required
def get_household(household_id: str):
    hh = require_household(g.user, store.get_household(household_id))
    if hh.deleted:
        raise ApiError(404, "该户已删除", "deleted")
    response = jsonify(household_out(hh))
    response.headers["ETag"] = f'"{hh.version}"'
    return response


def _reject_invalid(document: dict, complete: bool = False) -> list[dict]:
    errors, warnings = records.check(document, complete=complete)
    if errors:
        raise ApiError(422, "问卷填写有误", "invalid_document", fields_from_messages(errors))
    return warnings


def _attachments(household_id: str, document: dict) -> list[str]:
    to_link, errors = records.attachments_to_link(household_id, document)
    if errors:
        raise ApiError(422, "附件有误", "invalid_attachment", fields_from_messages(errors))
    return to_link


@api.post("/households")
@roles_required(*EDITORS)
def create_household():
    data = load_json(HouseholdCreate())
    require_village(g.user, data["village_id"])
    village = store.get_area(data["village_id"])
    campaign = store.get_campaign(data["campaign_id"])
    if campaign is None:
        raise ApiError(422, "调查轮次不存在", "invalid", {"campaign_id": ["调查轮次不存在"]})
    warnings = _reject_invalid(data["document"])
    household_id = str(data["id"] or uuid.uuid4())
    with write_transaction():
        # The transaction began with a rollback that expired what was loaded above. Reload it
        # before the household is pending, or the reload would flush a household with no document.
        village = store.get_area(data["village_id"])
        campaign = store.get_campaign(data["campaign_id"])
        author_id = g.user.id
        if store.get_household(household_id) is not None:
            raise ApiError(409, "该户编号已存在", "exists")
        to_link = _attachments(household_id, data["document"])
        hh = Household(
            id=household_id,
            village_id=village.id,
            township_id=village.parent_id,
            campaign_id=campaign.id,
            review_state="draft",
            version=0,
        )
        db.session.add(hh)
        records.save(
            hh,
            data["document"],
            campaign,
            user_id=author_id,
            kind="create",
            changes=diff({}, data["document"]),
            base_version=0,
        )
        store.link_attachments(to_link, hh.id, hh.village_id)
    body = household_out(hh) | {"warnings": warnings}
    location = url_for("api.get_household", household_id=hh.id)
    return jsonify(body), 201, {"Location": location, "ETag": f'"{hh.version}"'}


def _base_version(data: dict) -> int:
    header = request.headers.get("If-Match", "").strip().strip('"')
    if header.isdigit():
        return int(header)
    if data.get("base_version"):
        return data["base_version"]
    raise ApiError(428, "请提供所依据的版本号（If-Match 或 base_version）", "version_required")


@api.put("/households/<household_id>")
@roles_required(*EDITORS)
def update_household(household_id: str):
    data = load_json(HouseholdUpdate())
    base_version = _base_version(data)
    with write_transaction():
        hh = require_household(g.user, store.get_household(household_id, lock=True))
        warnings = _reject_invalid(data["document"], records.needs_completeness(hh.review_state))
        if hh.deleted:
            raise ApiError(404, "该户已删除", "deleted")
        if is_locked(hh.review_state):
            raise ApiError(409, "该户已审核通过并锁定，需由县级重新打开后才能修改", "locked")
        if base_version != hh.version:
            raise ApiError(
                409,
                f"该户已被他人修改（您依据第 {base_version} 版，当前为第 {hh.version} 版）。"
                "请先同步最新数据，或通过同步接口提交您的修改以自动合并。",
                "stale_version",
                current_version=hh.version,
            )
        changes = diff(hh.document, data["document"])
        to_link = _attachments(hh.id, data["document"])
        if changes:
            store.link_attachments(to_link, hh.id, hh.village_id)
            records.save(
                hh,
                data["document"],
                store.get_campaign(hh.campaign_id),
                user_id=g.user.id,
                kind="edit",
                changes=changes,
                base_version=base_version,
            )
    response = jsonify(household_out(hh) | {"warnings": warnings})
    response.headers["ETag"] = f'"{hh.version}"'
    return response


@api.get("/households/<household_id>/revisions")
@login_required
def household_revisions(household_id: str):
    require_household(g.user, store.get_household(household_id))
    return jsonify(
        [
            {
                "version": r.version,
                "base_version": r.base_version,
                "kind": r.kind,
                "author_id": r.author_id,
                "device_id": r.device_id,
                "op_id": r.op_id,
                "changes": r.changes,
                "note": r.note,
                "created_at": r.created_at.isoformat(),
            }
            for r in store.revisions(household_id)
        ]
    )
