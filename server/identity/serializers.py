"""Accounts as the API shows them."""

from server.core.serialize import pick


def area_out(a) -> dict:
    return pick(a, ("id", "code", "name", "level"))


def user_out(user) -> dict:
    return pick(user, ("id", "username", "name", "role", "phone", "active")) | {
        "areas": [area_out(a) for a in user.areas]
    }
