"""The ``hpmap`` command: validate, export and summarise the data, and serve the map.

Progress and errors go to stderr; data and reports to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pandas as pd

from geo import inspect_dataset
from geo.analysis.stats import layer_status_totals, position_evidence
from geo.formats.export import FORMATS, to_csv_text, write_layer
from geo.model.catalog import LAYERS
from geo.model.errors import GeoDataError
from geo.model.features import to_geojson
from webmap import default_data_dir


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    if (sys.argv[1:] if argv is None else argv)[:1] == ["serve"]:
        from webmap.server import serving

        # Before the other commands' modules import the database driver: imported unpatched, it would
        # wait for the database in a way that stops every other connection of the worker.
        serving.patch_for_gevent()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except GeoDataError as exc:
        print(f"hpmap: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"hpmap: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hpmap", description="Hải Phòng industrial map: data tools and web app.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check every file of a data directory")
    validate.add_argument("data_dir", nargs="?", type=Path, help="default: $HPMAP_DATA_DIR or the embedded data")
    validate.set_defaults(run=run_validate)

    export = commands.add_parser("export", help="write one joined layer")
    export.add_argument("layer", choices=[spec.name for spec in LAYERS])
    export.add_argument("--format", dest="format_", choices=FORMATS, default="geojson")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout; required for gpkg)")
    export.add_argument("--data-dir", type=Path)
    export.set_defaults(run=run_export)

    stats = commands.add_parser(
        "stats", help="counts and totals per layer and status; distances between outlines and their position evidence"
    )
    stats.add_argument("--data-dir", type=Path)
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(run=run_stats)

    synth = commands.add_parser("synth", help="write a large synthetic data set for scale tests")
    synth.add_argument("output", type=Path, help="directory to write (created if missing)")
    synth.add_argument("--parks", type=int, default=20_000, help="number of synthetic park outlines")
    synth.add_argument(
        "--factories", type=int, default=None, help="number of synthetic factory points (default: 3 per park)"
    )
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--data-dir", type=Path, help="the real layers to keep (default: the embedded data)")
    synth.set_defaults(run=run_synth)

    serve = commands.add_parser("serve", help="serve the web map with a production WSGI server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--offline", action="store_true", help="never ask another host for anything (no basemap tiles)")
    serve.add_argument("--data-dir", type=Path)
    serve.add_argument(
        "--public-url",
        help="the address clients use, e.g. https://map.example.org: absolute links are built from it, never from "
        "the request's Host header (also $HPMAP_PUBLIC_URL)",
    )
    serve.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (default: one per core, at most 4)"
    )
    serve.add_argument(
        "--threads", type=int, default=2, help="kept for compatibility, no effect: each connection has its own greenlet"
    )
    serve.add_argument(
        "--keepalive",
        type=int,
        default=0,
        help="seconds a connection may wait for its next request (default 0: closed after each response, "
        "which spreads connections evenly over the workers)",
    )
    serve.set_defaults(run=run_serve)

    from webmap import cli_db, cli_maintenance

    cli_db.register(commands)
    cli_maintenance.register(commands)
    return parser


def _load(data_dir: Path | None):
    data_dir = data_dir or default_data_dir()
    print(f"hpmap: reading {data_dir}", file=sys.stderr)
    return data_dir, *inspect_dataset(data_dir)


def run_validate(args) -> int:
    """Print a readable report of every issue; exit 1 when there are errors."""
    data_dir, dataset, issues = _load(args.data_dir)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    by_file: dict[str, list] = {}
    for issue in errors + warnings:
        by_file.setdefault(issue.file, []).append(issue)
    for file, file_issues in sorted(by_file.items()):
        print(f"{data_dir / file}")
        for issue in file_issues:
            print(f"  {issue}")
    if dataset is not None:
        counts = ", ".join(f"{len(layer.gdf)} {name}" for name, layer in dataset.layers.items())
        print(f"Features: {counts}.")
    print(f"{len(errors)} error(s), {len(warnings)} warning(s) in {data_dir}.")
    return 1 if errors else 0


def run_export(args) -> int:
    """Write one layer, joined and derived, to stdout or a file."""
    data_dir, dataset, issues = _load(args.data_dir)
    if dataset is None:
        from geo.model.errors import InvalidData

        raise InvalidData(issues)
    gdf = dataset.layer(args.layer).gdf
    if args.output is not None:
        write_layer(gdf, args.format_, args.output, args.layer)
        print(f"hpmap: wrote {len(gdf)} features to {args.output}", file=sys.stderr)
        return 0
    if args.format_ == "gpkg":
        print("hpmap: a GeoPackage is a binary file: give it a name with -o FILE.gpkg", file=sys.stderr)
        return 2
    if args.format_ == "geojson":
        sys.stdout.write(json.dumps(to_geojson(gdf), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_csv_text(gdf))
    return 0


def run_stats(args) -> int:
    """Print counts and totals per layer and status."""
    data_dir, dataset, issues = _load(args.data_dir)
    if dataset is None:
        from geo.model.errors import InvalidData

        raise InvalidData(issues)
    table = layer_status_totals(dataset)
    evidence = position_evidence(dataset)
    if args.json:
        body = {"totals": table.to_dict(orient="records"), "position_evidence": evidence}
        print(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        print(table.to_string(index=False))
        print("declared_ha sums the known declared areas; area_unknown counts features without one.")
        print()
        print(evidence_table_text(evidence))
    return 0


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


def run_synth(args) -> int:
    """Write a synthetic data set: the real zones, clusters, ports, airports and ``--parks`` made-up parks."""
    from geo.formats.synthetic import write_synthetic_dataset

    if args.parks < 1:
        print("hpmap: --parks must be at least 1", file=sys.stderr)
        return 2
    if args.factories is not None and args.factories < 0:
        print("hpmap: --factories must be at least 0", file=sys.stderr)
        return 2
    source = args.data_dir or default_data_dir()
    write_synthetic_dataset(source, args.output, args.parks, args.seed, factories=args.factories)
    print(f"hpmap: wrote {args.parks} synthetic parks and their factories to {args.output}", file=sys.stderr)
    return 0


def default_workers() -> int:
    """Return the default number of server processes: one per core, at least 1, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def run_serve(args) -> int:
    """Serve the app under gunicorn (``webmap.server.serving``), a production WSGI server."""
    from webmap import create_app
    from webmap.server import serving

    if args.workers < 1 or args.threads < 1 or args.keepalive < 0:
        print("hpmap: --workers and --threads must be at least 1, --keepalive at least 0", file=sys.stderr)
        return 2
    config = {"DATA_DIR": str(args.data_dir or default_data_dir())}
    if args.offline:
        config["OFFLINE"] = True
    if args.public_url:
        config["PUBLIC_URL"] = args.public_url
    app = create_app(config)
    print(f"hpmap: serving http://{args.host}:{args.port}/ ({args.workers} processes)", file=sys.stderr)
    serving.serve(app, args.host, args.port, workers=args.workers, threads=args.threads, keepalive_s=args.keepalive)
    return 0


if __name__ == "__main__":
    sys.exit(main())
