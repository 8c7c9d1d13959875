"""The desk's first page: who is signed in, over which areas, and where their work is."""

from flask import g

from server.desk import bp
from server.desk.pages import menu_for, page, render
from server.identity.access import scope_areas


@bp.get("/")
@page()
def home():
    return render("desk/home.html", areas=scope_areas(g.user), entries=menu_for(g.user.role))
