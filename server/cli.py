"""flask commands: seed-demo, create-user."""

import click
from flask import Flask
from sqlalchemy import select

from server.core.database import write_transaction
from server.domain.roles import ROLES
from server.extensions import db
from server.identity.tokens import hash_password
from server.models import Area, User


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)


@click.command("seed-demo")
@click.option("--households", default=12000, show_default=True, help="How many households.")
@click.option(
    "--seed",
    "random_seed",
    default=2020,
    show_default=True,
    help="Random seed (the county is deterministic).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has areas.")
def seed_demo(households: int, random_seed: int, if_empty: bool) -> None:
    """Make a realistic demo county: townships, villages, households, accounts, campaigns."""
    from server.demo import seed as make_county

    if if_empty and db.session.scalar(select(Area.id).limit(1)) is not None:
        click.echo("Database already has data; demo not seeded again.")
        return
    stats = make_county(households=households, random_seed=random_seed)
    click.echo(
        f"Seeded {stats['townships']} townships, {stats['villages']} villages, "
        f"{stats['households']} households, {stats['members']} members in {stats['seconds']:.1f} s."
    )


@click.command("create-user")
@click.argument("username")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--area", "areas", multiple=True, help="Area code; repeat for several.")
@click.password_option()
def create_user(username: str, name: str, role: str, areas: tuple[str, ...], password: str) -> None:
    """Create an account (the password is asked twice when not given)."""
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="password")
    password_hash = hash_password(password)  # slow on purpose: before the write lock
    # Under the write lock like every other writer, so it waits for a push instead of failing.
    with write_transaction():
        if db.session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"user {username} exists")
        found = list(db.session.scalars(select(Area).where(Area.code.in_(areas))))
        missing = set(areas) - {a.code for a in found}
        if missing:
            raise click.ClickException(f"unknown area codes: {', '.join(sorted(missing))}")
        db.session.add(
            User(
                username=username,
                name=name,
                role=role,
                password_hash=password_hash,
                areas=found,
            )
        )
    click.echo(f"Created {role} {username}.")
