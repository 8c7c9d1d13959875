"""The desk's first page: who is signed in, over which areas, and where their work is. A township
reviewer and the county office start at their dashboard."""

from flask import g, redirect, url_for

from server.desk import bp
from server.desk.pages import menu_for, page, render
from server.domain.roles import COUNTY, REVIEWER
from server.identity.access import scope_areas


@bp.get("/")
@page()
def home():
    if g.user.role in (REVIEWER, COUNTY):
        return redirect(url_for("desk.dashboard"), 303)
    return render("desk/home.html", areas=scope_areas(g.user), entries=menu_for(g.user.role))
