"""The desk: the pages of township reviewers, county offices and administrators, at /desk/.

Pages are Jinja templates (autoescaped) and plain HTML forms: every page works without script, and
`web/static/desk/desk.js` only adds keyboard shortcuts and selection. A desk session is a sign-in
like a phone's, carried in cookies (flask-jwt-extended's cookie mode) with the CSRF token in every
form. Each page module registers its routes and its menu entry on `bp`, loads what the page needs
through a feature package and renders it; the work is done by the same services the JSON API
calls. The phone never loads anything from here: its worker precaches only its own files.
"""

from flask import Blueprint

bp = Blueprint("desk", __name__, url_prefix="/desk")

from server.desk import (  # noqa: E402,F401  (the modules register their routes)
    accounts,
    areas,
    campaigns,
    conflicts,
    dashboard,
    home,
    household,
    queue,
    reports,
    session,
    spotchecks,
    villages,
)
