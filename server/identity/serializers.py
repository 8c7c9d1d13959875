"""Accounts as the API shows them."""


def area_out(a) -> dict:
    return {"id": a.id, "code": a.code, "name": a.name, "level": a.level}


def user_out(user) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "areas": [area_out(a) for a in user.areas],
    }
