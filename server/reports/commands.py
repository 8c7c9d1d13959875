"""`flask report`: a county's own scripts print a table or a document without the browser."""

from pathlib import Path

import click

from server.core.errors import ApiError
from server.domain.notices import SUBJECTS
from server.reports import people, people_render, render
from server.reports.catalog import DOCUMENTS, TABLES
from server.reports.context import build


@click.command("report")
@click.argument("name", type=click.Choice(sorted(TABLES) + sorted(DOCUMENTS)))
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--area", "area_code", required=True, help="County, township or village code.")
@click.option("--format", "fmt", type=click.Choice(sorted(render.FORMATS)), default="pdf")
@click.option("--state", "states", multiple=True, help="A review state counted; repeat.")
@click.option("--total-first", is_flag=True, help="Print 合计 above the townships.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="Notice: first day (today).")
@click.option("--days", type=int, help="Notice, announcement: days posted, 5–7 (7).")
@click.option("--subject", type=click.Choice(sorted(SUBJECTS)), help="Notice: what it is about.")
@click.option("--copies", type=int, default=1, help="Forms, handbooks: 2 = household + village.")
@click.option("--all-households", is_flag=True, help="Forms, handbooks: not only registered.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report(name, campaign_id, area_code, fmt, states, total_first, out: Path, **options) -> None:
    """Print one table or document (default states: approved and accepted) into a file."""
    try:
        if name in DOCUMENTS:
            people.check_format(name, fmt)
            start = options["start"].date() if options["start"] else None
            context = people.build(
                name, campaign_id, area_code, states or None, **(options | {"start": start})
            )
            data = people_render.render(context, fmt)
        else:
            context = build(name, campaign_id, area_code, states or None, total_first)
            data = render.render(context, fmt)
    except ApiError as e:
        details = "; ".join(f"{k}: {'，'.join(v)}" for k, v in (e.fields or {}).items())
        raise click.ClickException(f"{e.message} {details}".strip()) from None
    out.write_bytes(data)
    click.echo(f"{context['title']}: {out} ({out.stat().st_size} bytes)")
