"""`flask report`: a county's own scripts print a table without the browser."""

from pathlib import Path

import click

from server.core.errors import ApiError
from server.reports import render
from server.reports.catalog import TABLES
from server.reports.context import build


@click.command("report")
@click.argument("name", type=click.Choice(sorted(TABLES)))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--area", "area_code", required=True, help="County, township or village code.")
@click.option("--format", "fmt", type=click.Choice(sorted(render.FORMATS)), default="pdf")
@click.option("--state", "states", multiple=True, help="A review state counted; repeat.")
@click.option("--total-first", is_flag=True, help="Print 合计 above the townships.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report(name, campaign_id, area_code, fmt, states, total_first, out: Path) -> None:
    """Print one table (default states: approved and accepted) into a file."""
    try:
        context = build(name, campaign_id, area_code, states or None, total_first)
    except ApiError as e:
        details = "; ".join(f"{k}: {'，'.join(v)}" for k, v in (e.fields or {}).items())
        raise click.ClickException(f"{e.message} {details}".strip()) from None
    out.write_bytes(render.render(context, fmt))
    click.echo(f"{context['title']}: {out} ({out.stat().st_size} bytes)")
