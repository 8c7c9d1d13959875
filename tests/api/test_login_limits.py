"""The login limit: it stops a guesser, not the account's owner, and says nothing about which
usernames exist, not even through how long the answer takes."""

import statistics
import time

from werkzeug.security import generate_password_hash

from server.identity import tokens as auth

from .conftest import PASSWORD


def attempt(client, username, password=PASSWORD, address="10.0.0.1", **headers):
    return client.post(
        "/api/auth/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_a_stranger_cannot_lock_the_owner_out(client, app):
    limit = app.config["RUHU_LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert attempt(client, "demo-reviewer", "wrong", address="203.0.113.9").status_code == 401
    # The guesser's address is stopped, even with the right password ...
    r = attempt(client, "demo-reviewer", address="203.0.113.9")
    assert r.status_code == 429
    assert "分钟" in r.get_json()["error"]["message"]
    # ... the owner, at the township office, is not.
    assert attempt(client, "demo-reviewer", address="198.51.100.4").status_code == 200


def test_one_address_cannot_try_many_usernames(client, app):
    limit = app.config["RUHU_LOGIN_MAX_ADDRESS_FAILURES"]
    for n in range(limit):
        assert attempt(client, f"guess-{n}", "wrong", address="203.0.113.7").status_code == 401
    assert attempt(client, "guess-next", "wrong", address="203.0.113.7").status_code == 429
    assert attempt(client, "demo-county", address="203.0.113.7").status_code == 429
    assert attempt(client, "demo-county", address="198.51.100.4").status_code == 200


def test_many_addresses_together_lock_the_account(client, app):
    limit = app.config["RUHU_LOGIN_MAX_ACCOUNT_FAILURES"]
    for n in range(limit):
        address = f"10.1.{n // 250}.{n % 250}"
        assert attempt(client, "demo-county", "wrong", address=address).status_code == 401
    assert attempt(client, "demo-county", address="198.51.100.4").status_code == 429
    assert attempt(client, "demo-reviewer", address="198.51.100.4").status_code == 200


def test_a_good_login_clears_only_its_own_address(client, app):
    limit = app.config["RUHU_LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        attempt(client, "demo-reviewer", "wrong", address="203.0.113.9")
        attempt(client, "demo-reviewer", "wrong", address="198.51.100.4")
    assert attempt(client, "demo-reviewer", address="198.51.100.4").status_code == 200
    assert attempt(client, "demo-reviewer", "wrong", address="203.0.113.9").status_code == 401
    assert attempt(client, "demo-reviewer", address="203.0.113.9").status_code == 429


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(client, app, monkeypatch):
    limit = app.config["RUHU_LOGIN_MAX_FAILURES"]
    spoofed = {"X-Forwarded-For": "198.51.100.4"}
    for _ in range(limit):
        attempt(client, "demo-reviewer", "wrong", address="203.0.113.9", **spoofed)
    # Without a proxy in front, a client's own X-Forwarded-For is ignored.
    assert attempt(client, "demo-reviewer", address="203.0.113.9", **spoofed).status_code == 429

    monkeypatch.setitem(app.config, "RUHU_TRUSTED_PROXIES", 1)
    nginx = "127.0.0.1"
    for _ in range(limit):
        attempt(client, "demo-county", "wrong", address=nginx, **{"X-Forwarded-For": "203.0.113.5"})
    assert (
        attempt(
            client, "demo-county", address=nginx, **{"X-Forwarded-For": "203.0.113.5"}
        ).status_code
        == 429
    )
    assert (
        attempt(
            client, "demo-county", address=nginx, **{"X-Forwarded-For": "198.51.100.4"}
        ).status_code
        == 200
    )


def test_refused_attempts_do_not_count_again(client, app):
    """A blocked address knocking on does not push the owner's count towards the account lock."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import LoginAttempt

    limit = app.config["RUHU_LOGIN_MAX_FAILURES"]
    for _ in range(limit + 10):
        attempt(client, "demo-reviewer", "wrong", address="203.0.113.9")
    stored = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    db.session.rollback()
    assert stored == limit


def test_unknown_and_known_usernames_answer_in_the_same_time(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RUHU_LOGIN_MAX_ADDRESS_FAILURES", 1000)

    def timed(username: str, n: int) -> float:
        started = time.perf_counter()
        assert attempt(client, username, "wrong", address=f"10.9.0.{n}").status_code == 401
        return time.perf_counter() - started

    known, unknown = [], []
    for n in range(7):  # alternate, so a burst of load on the machine hits both alike
        known.append(timed("demo-surveyor", n))
        unknown.append(timed(f"nobody-{n}", 100 + n))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.6 < ratio < 1.6, (known, unknown)


def test_the_stand_in_hash_costs_what_a_real_one_costs():
    """Unknown names are checked against a stand-in hash: it must use the same scrypt settings
    as the hashes of real accounts, or the time would tell them apart again."""
    real = generate_password_hash("x", method="scrypt")
    assert auth.STAND_IN_HASH.split("$")[0] == real.split("$")[0]
    assert auth.hash_password("x").split("$")[0] == real.split("$")[0]
