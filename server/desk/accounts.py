"""Accounts, their devices and the audit log: an administrator's pages.

Every change goes through `server/identity/accounts.py`, as the JSON API's do; the pages only
read the forms, show what was refused beside the field that caused it, and say what was done.
"""

from zoneinfo import ZoneInfo

from flask import current_app, flash, g, redirect, request, url_for
from marshmallow import fields

from server.api.admin_schemas import AuditQuery, PasswordReset, UserUpdate
from server.api.schemas import UserCreate
from server.core.errors import ApiError
from server.desk import bp
from server.desk.pages import add_menu, load_form, page, render
from server.domain.roles import ADMIN, ROLES
from server.identity import accounts, audit
from server.identity.access import whole_tree

add_menu("账号与设备", "desk.accounts_list", (ADMIN,), 80)
add_menu("操作日志", "desk.audit_log", (ADMIN,), 90)


class _NewAccount(UserCreate):
    password2 = fields.String(load_default="")


def _area_choices() -> list[tuple[int, str, str]]:
    """(id, indented name, level) for every area, county first, to assign accounts to."""
    out = []

    def walk(nodes, depth):
        for n in nodes:
            if n["level"] != "group":
                out.append((n["id"], "　" * depth + n["name"], n["level"]))
                walk(n["children"], depth + 1)

    walk(whole_tree(), 0)
    return out


def _form_values() -> dict:
    data = {k: v.strip() for k, v in request.form.items() if k not in ("csrf_token", "area_ids")}
    # A form sends numbers as text; the schema takes whole numbers only.
    data["area_ids"] = [int(v) if v.isdigit() else v for v in request.form.getlist("area_ids")]
    if not data.get("phone"):
        data["phone"] = None
    return data


@bp.get("/accounts")
@page(ADMIN)
def accounts_list():
    text = request.args.get("q", "").strip()[:40]
    role = request.args.get("role") if request.args.get("role") in ROLES else None
    return render(
        "desk/accounts.html", users=accounts.find_users(text, role), q=text, role=role, roles=ROLES
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@page(ADMIN)
def account_new():
    values, errors = {"role": "surveyor", "area_ids": []}, {}
    if request.method == "POST":
        values = _form_values()
        data, errors = load_form(_NewAccount(), values)
        if data and data["password"] != data.pop("password2"):
            data, errors = None, {"password2": ["两次输入的密码不一致"]}
        if data:
            try:
                user = accounts.create_user(
                    data["username"],
                    data["name"],
                    data["role"],
                    data["password"],
                    data["area_ids"],
                    phone=data["phone"],
                    actor_id=g.user.id,
                )
            except ApiError as e:
                errors = e.fields or {"_": [e.message]}
            else:
                flash(f"已新建账号 {user.username}", "success")
                return redirect(url_for("desk.account_edit", user_id=user.id), 303)
    return render(
        "desk/account_form.html",
        account=None,
        values=values,
        errors=errors,
        roles=ROLES,
        areas=_area_choices(),
    ), (422 if errors else 200)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@page(ADMIN)
def account_edit(user_id: int):
    account = accounts.get_user(user_id)
    values = {
        "name": account.name,
        "role": account.role,
        "phone": account.phone or "",
        "area_ids": [a.id for a in account.areas],
    }
    errors = {}
    if request.method == "POST":
        values = _form_values()
        data, errors = load_form(UserUpdate(), values)
        if data:
            try:
                accounts.update_user(
                    g.user.id,
                    user_id,
                    name=data["name"],
                    role=data["role"],
                    phone=data["phone"],
                    area_ids=data["area_ids"],
                )
            except ApiError as e:
                errors = e.fields or {"_": [e.message]}
            else:
                flash("已保存", "success")
                return redirect(url_for("desk.account_edit", user_id=user_id), 303)
    return render(
        "desk/account_form.html",
        account=account,
        values=values,
        errors=errors,
        roles=ROLES,
        areas=_area_choices(),
        devices=accounts.devices(user_id),
    ), (422 if errors else 200)


@bp.post("/accounts/<int:user_id>/active")
@page(ADMIN)
def account_active(user_id: int):
    active = request.form.get("active") == "1"
    user = accounts.set_active(g.user.id, user_id, active)
    flash(f"已{'启用' if active else '停用'}账号 {user.username}", "success")
    return redirect(url_for("desk.account_edit", user_id=user_id), 303)


@bp.post("/accounts/<int:user_id>/password")
@page(ADMIN)
def account_password(user_id: int):
    data, errors = load_form(PasswordReset(), {"password": request.form.get("password", "")})
    if not data:
        flash("；".join(errors.get("password", ["密码不符合要求"])), "error")
    else:
        accounts.reset_password(g.user.id, user_id, data["password"])
        flash("已重置密码；该账号所有设备需用新密码重新登录", "success")
    return redirect(url_for("desk.account_edit", user_id=user_id), 303)


@bp.post("/sign-ins/<sign_in_id>/revoke")
@page(ADMIN)
def sign_in_revoke(sign_in_id: str):
    sign_in = accounts.revoke_sign_in(g.user.id, sign_in_id[:64])
    label = sign_in.device_label or sign_in.device_id or "未命名设备"
    flash(f"已停用设备“{label}”的登录", "success")
    return redirect(url_for("desk.account_edit", user_id=sign_in.user_id), 303)


@bp.get("/audit")
@page(ADMIN)
def audit_log():
    args, errors = load_form(AuditQuery(), {k: v for k, v in request.args.items() if v})
    if args is None:
        args = AuditQuery().load({})
    zone = ZoneInfo(current_app.config["RUHU_TIMEZONE"])
    filters = audit.Filters(args["user_id"], args["since"], args["until"], args["kind"], zone)
    items, total = audit.events(filters, args["page"], args["per_page"])
    pages = max(1, -(-total // args["per_page"]))
    return render(
        "desk/audit.html",
        items=items,
        total=total,
        args=args,
        pages=pages,
        errors=errors,
        users=accounts.find_users(),
        kinds=audit.KIND_LABELS,
    )
