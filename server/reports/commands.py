"""`flask report`: a county's own scripts print a table or a document for people without the
browser; what it prints is kept like every printed document."""

from pathlib import Path

import click

from server.core.errors import ApiError
from server.domain.notices import SUBJECTS
from server.reports import jobs, render, store
from server.reports.catalog import DOCUMENTS, TABLES


@click.command("report")
@click.argument("name", type=click.Choice(sorted([*TABLES, *DOCUMENTS])))
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
def report(name, campaign_id, area_code, fmt, states, total_first, out: Path, **given) -> None:
    """Print one table or document (default states: approved and accepted) into a file; an
    unchanged one is taken from what was kept."""
    if name in DOCUMENTS:
        options = {k: v for k, v in given.items() if v not in (None, False)}
        if "start" in options:
            options["start"] = options["start"].date().isoformat()
    else:
        options = {"total_first": total_first}
    try:
        document, made = jobs.request_document(
            None, name, campaign_id, area_code, states or None, fmt, options, inline=True
        )
    except ApiError as e:
        details = "; ".join(f"{k}: {'，'.join(v)}" for k, v in (e.fields or {}).items())
        raise click.ClickException(f"{e.message} {details}".strip()) from None
    if document.status != "done":
        raise click.ClickException(document.error or "报表尚未生成完成")
    out.write_bytes(store.file_bytes(document.id))
    kept = "" if made else ", kept earlier"
    click.echo(
        f"{document.title}: {out} ({out.stat().st_size} bytes{kept}; document {document.id})"
    )
