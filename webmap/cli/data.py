"""`hpmap validate | export | stats | synth`: check, write out and summarise a data directory."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from geo import inspect_dataset
from geo.analysis.stats import layer_status_totals, position_evidence
from geo.formats.export import FORMATS, to_csv_text, write_layer
from geo.model.errors import InvalidData
from geo.model.features import to_geojson
from webmap import default_data_dir
from webmap.cli.options import DEFAULT_DATA, LAYER_NAMES, Choice, data_dir_option, path_argument
from webmap.cli.output import Failure, say


def _load(data_dir: Path | None):
    data_dir = data_dir or default_data_dir()
    say(f"reading {data_dir}")
    return data_dir, *inspect_dataset(data_dir)


def _dataset(data_dir: Path | None):
    """Return the data set of ``data_dir``; raise ``InvalidData`` (every error) when it has errors."""
    _, dataset, issues = _load(data_dir)
    if dataset is None:
        raise InvalidData(issues)
    return dataset


@click.command(help=f"Check every file of a data directory.\n\nDATA_DIR ({DEFAULT_DATA}). Exit status 1 on errors.")
@path_argument("data_dir")
def validate(data_dir: Path | None) -> int:
    data_dir, dataset, issues = _load(data_dir)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    by_file: dict[str, list] = {}
    for issue in errors + warnings:
        by_file.setdefault(issue.file, []).append(issue)
    for file, file_issues in sorted(by_file.items()):
        click.echo(f"{data_dir / file}")
        for issue in file_issues:
            click.echo(f"  {issue}")
    if dataset is not None:
        counts = ", ".join(f"{len(layer.gdf)} {name}" for name, layer in dataset.layers.items())
        click.echo(f"Features: {counts}.")
    click.echo(f"{len(errors)} error(s), {len(warnings)} warning(s) in {data_dir}.")
    return 1 if errors else 0


@click.command(help=f"Write one joined layer, to stdout or a file.\n\nLAYER: {', '.join(LAYER_NAMES)}.")
@click.argument("layer", type=Choice(LAYER_NAMES), metavar="LAYER")
@click.option("--format", "format_", type=Choice(FORMATS), default="geojson", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="file to write (default: stdout; required for gpkg)"
)
@data_dir_option()
def export(layer: str, format_: str, output: Path | None, data_dir: Path | None) -> None:
    if output is None and format_ == "gpkg":
        raise Failure("a GeoPackage is a binary file: give it a name with -o FILE.gpkg", exit_code=2)
    gdf = _dataset(data_dir).layer(layer).gdf
    if output is not None:
        write_layer(gdf, format_, output, layer)
        say(f"wrote {len(gdf)} features to {output}")
    elif format_ == "geojson":
        click.echo(json.dumps(to_geojson(gdf), ensure_ascii=False))
    else:
        click.echo(to_csv_text(gdf), nl=False)


@click.command()
@data_dir_option()
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of a table")
def stats(data_dir: Path | None, as_json: bool) -> None:
    """Counts and hectares per layer and status; outlines vs. their evidence.

    Per layer and status: features, declared hectares, features of unknown area. Per layer: the median and
    worst distance between each outline and its best position evidence (positions.csv).
    """
    dataset = _dataset(data_dir)
    table = layer_status_totals(dataset)
    evidence = position_evidence(dataset)
    if as_json:
        body = {"totals": table.to_dict(orient="records"), "position_evidence": evidence}
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        click.echo(table.to_string(index=False))
        click.echo("declared_ha sums the known declared areas; area_unknown counts features without one.")
        click.echo()
        click.echo(evidence_table_text(evidence))


def evidence_table_text(evidence: list[dict]) -> str:
    """Return ``geo.analysis.stats.position_evidence`` as a plain table: one line per layer, then the legend."""
    rows = [
        {
            "layer": entry["layer"],
            "features": entry["features"],
            "no_evidence": len(entry["without_evidence"]),
            "median_m": "-" if entry["median_distance_m"] is None else f"{entry['median_distance_m']:,.0f}",
            "worst_m": "-" if entry["worst_distance_m"] is None else f"{entry['worst_distance_m']:,.0f}",
            "worst_feature": entry["worst_feature"] or "-",
            "evidence": ", ".join(f"{mark} {count}" for mark, count in entry["by_marks"].items()) or "-",
        }
        for entry in evidence
    ]
    table = pd.DataFrame(rows).to_string(index=False)
    return (
        f"{table}\nmedian_m and worst_m: distance between each geometry and its best position evidence "
        "(positions.csv); evidence: how many features rest on each kind of record."
    )


@click.command()
@path_argument("output", required=True)
@click.option("--parks", type=click.IntRange(min=1), default=20_000, show_default=True,
              help="number of synthetic park outlines")  # fmt: skip
@click.option(
    "--factories", type=click.IntRange(min=0), help="number of synthetic factory points (default: 3 per park)"
)
@click.option("--seed", type=int, default=1, show_default=True)
@data_dir_option(help="the real layers to keep (default: the embedded data)")
def synth(output: Path, parks: int, factories: int | None, seed: int, data_dir: Path | None) -> None:
    """Write a large synthetic data set for scale tests.

    OUTPUT: the directory to write (created if missing). It keeps the real zones, clusters, ports and
    airports and adds --parks made-up parks and their factories.
    """
    from geo.formats.synthetic import write_synthetic_dataset

    write_synthetic_dataset(data_dir or default_data_dir(), output, parks, seed, factories=factories)
    say(f"wrote {parks} synthetic parks and their factories to {output}")
