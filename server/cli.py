"""flask commands: seed-demo, create-user, import-areas, report."""

from pathlib import Path

import click
from flask import Flask

from server.core.errors import ApiError
from server.domain.roles import ROLES
from server.identity import accounts, areas
from server.identity.areafile import FileRefused, read_rows
from server.identity.queries import any_area, areas_by_code
from server.reports.commands import report


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(import_areas)
    app.cli.add_command(report)


@click.command("seed-demo")
@click.option(
    "--households",
    default=12000,
    show_default=True,
    help="How many families (each in the exit review and the look-back).",
)
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

    if if_empty and any_area():
        click.echo("Database already has data; demo not seeded again.")
        return
    stats = make_county(households=households, random_seed=random_seed)
    click.echo(
        f"Seeded {stats['townships']} townships, {stats['villages']} villages, "
        f"{stats['households']} households (and {stats['lookback_households']} in the 2019 "
        f"look-back), {stats['members']} members in {stats['seconds']:.1f} s."
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
    found = areas_by_code(areas)
    missing = set(areas) - {a.code for a in found}
    if missing:
        raise click.ClickException(f"unknown area codes: {', '.join(sorted(missing))}")
    try:
        accounts.create_user(username, name, role, password, [a.id for a in found])
    except ApiError as e:  # the one refusal left once the areas are known: the name is taken
        raise click.ClickException(f"user {username} exists ({e.message})") from None
    click.echo(f"Created {role} {username}.")


@click.command("import-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_areas(file: Path) -> None:
    """Add and rename areas from a county's list (.xlsx or .csv: code and name): each faulty
    line is reported and the others are applied."""
    try:
        rows, first = read_rows(file.read_bytes(), file.name)
    except FileRefused as e:
        raise click.ClickException(str(e)) from None
    result = areas.import_areas(rows, None, first_line=first).as_dict()
    for e in result["errors"]:
        click.echo(f"第 {e['line']} 行 {e['code']}：{e['message']}", err=True)
    click.echo(
        f"新增 {result['added']} 个，改名 {result['renamed']} 个，"
        f"未变 {result['unchanged']} 个，有误 {len({e['line'] for e in result['errors']})} 行。"
    )
    if result["errors"]:
        raise SystemExit(1)
