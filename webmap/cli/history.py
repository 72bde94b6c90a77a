"""`hpmap history`, `hpmap revert`: the change log every import writes, and undoing one change exactly."""

from __future__ import annotations

import click

from geo.formats import journal
from geo.formats.tables import read_change_log
from geo.maintenance.changelog import history as logged_changes
from geo.maintenance.changelog import new_change_info
from geo.maintenance.plan import plan_revert
from webmap.cli.editing import (
    Edit,
    Store,
    edit_options,
    open_target,
    prepare_and_write,
    print_diff,
    recover,
    store_options,
)
from webmap.cli.output import Progress


@click.command()
@click.option("--feature", metavar="ID", help="only the changes to this feature")
@click.option("--limit", type=int, default=20, show_default=True, metavar="N", help="the N most recent changes")
@store_options
def history(feature: str | None, limit: int, store: Store) -> None:
    """The change log, most recent change first."""
    url = store.url()
    if url is not None:
        from geo.postgis import maintenance as pgmaintenance

        log = pgmaintenance.change_log(url)
    else:
        data_dir = store.directory()
        with journal.lock(data_dir):
            recover(data_dir, Progress(quiet=False))
            log = read_change_log(data_dir).frame
    entries = logged_changes(log, feature=feature, limit=limit)
    if not entries:
        click.echo("No change logged yet." if feature is None else f"No change logged for '{feature}'.")
    for info, changes in entries:
        click.echo(f"{info.change_id}  {info.when}  {info.who}  {info.action}  {info.source}")
        print_diff(changes, header=False)


@click.command()
@click.argument("change_id", metavar="CHANGE_ID")
@edit_options("print what would change, change nothing")
def revert(change_id: str, edit: Edit) -> int:
    """Undo a logged change exactly (itself logged).

    CHANGE_ID as `hpmap history` lists it. Refused when a later change touched the same values.
    """
    with open_target(edit.store, edit.progress) as target:
        original, changes = plan_revert(target.files, change_id)
        click.echo(f"Revert of change {original.change_id} ({original.action}, {original.when}, by {original.who}):")
        info = new_change_info(edit.who(), f"revert {original.change_id}", original.source)
        return prepare_and_write(edit, target, changes, info)
