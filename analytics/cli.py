"""Import a file from the command line, with the same reading, validation, report and transaction
as the Data page: for files over the browser's limit, and for scheduled monthly loads. And add the
built-in users of team mode, the first admin among them.

    python -m analytics.cli import FILE --dataset NAME [--append | --replace] [--accept-rejects]
        [--map FIELD=COLUMN ...] [--decimal FIELD=point|comma ...] [--date-order FIELD=ymd|dmy|mdy ...]
        [--sheet NAME] [--encoding NAME] [--header-line N] [--cancel-prefix C] [--rejects-csv PATH]
        [--db PATH] [--actor NAME] [--lang en|zh]

    python -m analytics.cli user add NAME --role viewer|strategist|uploader|admin [--db PATH]

    python -m analytics.cli source add NAME --backend pyspark|duckdb|postgres|... (--table T | --file PATH)
        --map customer_id=cust_no,order_date=dt,revenue=amount[,...] [--url URL] [--db PATH]
    python -m analytics.cli source refresh NAME [--db PATH]

``source add`` registers a table in another engine as a read-only dataset (``analytics.external``),
after checking the mapping against the table; ``--file`` (pyspark) reads a local Parquet file or
folder, or a ``.csv`` file, instead of a catalog table. ``source refresh`` recounts it and makes the
pages compute its results again. Both exit 2 when the source cannot be reached or the mapping is
wrong; the source is checked before the database file is created, so a failed first ``add`` leaves none.

Exit codes: 0 imported; 1 rows were rejected and nothing was written (``--accept-rejects``
imports the valid rows); 2 the file, the mapping or a choice is missing or wrong (nothing written).

The executive report of a dataset, for scheduling (the same report as the Report page, under the
shipped defaults or a weight preset, and the risk and stage thresholds strategists published):

    python -m analytics.cli report --dataset NAME --out FILE [--format html|pdf] [--lang en|zh]
        [--preset NAME] [--tier-method by_customer_share|by_value_share] [--db PATH]

Exit codes: 0 written; 2 no such dataset or preset, no customers, or no PDF (Chromium missing or failed).
``user add`` reads the password from standard input when it is not a terminal (one line), else
asks twice without echo; it exits 2 when the user cannot be added.

Whoever runs this command can write the database file, so it acts with full rights: the import as
``--actor`` (an uploader), ``user add`` as the command line (an admin), each recorded in the audit trail.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

import duckdb

from analytics import datasets, export, external, ingest, presets, readers, sources, users, validation
from analytics.auth import ROLES, Actor
from analytics.concentration import ConcentrationUndefined
from analytics.mapping import ALL_FIELDS, suggest_mapping
from analytics.report.data import ReportSettings, StoreSource
from analytics.store import Store, StoreError, database_path
from analytics.tiering import DEFAULT_SHARES, TIER_METHODS
from ui.i18n import translate
from ui.report import FORMATS, make_report
from ui.report.pdf import PdfUnavailable

EXIT_OK, EXIT_REJECTS, EXIT_USAGE = 0, 1, 2


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, target = value.partition("=")
        if not sep:
            raise SystemExit(f"{option} takes FIELD=VALUE, got {value!r}")
        pairs[name.strip()] = target.strip()
    return pairs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics.cli", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("import", help="validate a CSV or .xlsx file and import it into a dataset")
    command.add_argument("file", type=Path)
    command.add_argument("--dataset", required=True, help="dataset name (created unless --append or --replace)")
    mode = command.add_mutually_exclusive_group()
    mode.add_argument("--append", action="store_true")
    mode.add_argument("--replace", action="store_true")
    command.add_argument("--accept-rejects", action="store_true", help="import the valid rows even if some were rejected")
    command.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
    command.add_argument("--decimal", action="append", default=[], metavar="FIELD=point|comma")
    command.add_argument("--date-order", action="append", default=[], metavar="FIELD=ymd|dmy|mdy")
    command.add_argument("--sheet")
    command.add_argument("--encoding")
    command.add_argument("--header-line", type=int)
    command.add_argument("--cancel-prefix", default="")
    command.add_argument("--rejects-csv", type=Path, help="write the rejected rows here (formula-safe CSV)")
    command.add_argument("--db", type=Path, help="database file (default: $CVD_DB_PATH or data/cvd.duckdb)")
    command.add_argument("--actor", default="local", help="who runs the import, for the upload history")
    command.add_argument("--lang", default="en", choices=("en", "zh"))
    command = commands.add_parser("report", help="write the executive report of a dataset (HTML or PDF)")
    command.add_argument("--dataset", required=True, help="dataset name")
    command.add_argument("--out", required=True, type=Path, help="file to write")
    command.add_argument("--format", default="html", choices=FORMATS)
    command.add_argument("--lang", default="en", choices=("en", "zh"))
    command.add_argument("--preset", default="balanced", help="weight preset, shipped or saved (default: balanced)")
    command.add_argument("--tier-method", default=TIER_METHODS[0], choices=TIER_METHODS)
    command.add_argument("--db", type=Path, help="database file (default: $CVD_DB_PATH or data/cvd.duckdb)")
    user = commands.add_parser("user", help="built-in users for team mode")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user; the password comes from standard input or a prompt")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--db", type=Path, help="database file (default: $CVD_DB_PATH or data/cvd.duckdb)")
    source = commands.add_parser("source", help="external sources: a table in another engine as a dataset")
    source_commands = source.add_subparsers(dest="source_command", required=True)
    add = source_commands.add_parser("add", help="register a table, read where it lives")
    add.add_argument("name")
    add.add_argument("--backend", required=True, choices=external.BACKENDS)
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--table", help="table name, or catalog.database.table")
    where.add_argument("--file", type=Path, help="pyspark: a local Parquet file or folder, or a .csv file")
    add.add_argument("--map", action="append", required=True, metavar="FIELD=COLUMN[,FIELD=COLUMN...]")
    add.add_argument("--url", help="pyspark: master or Spark Connect URL (default local[*]); duckdb: the file;"
                     " others: the backend's URL")
    add.add_argument("--db", type=Path, help="database file (default: $CVD_DB_PATH or data/cvd.duckdb)")
    refresh = source_commands.add_parser("refresh", help="recount a source; the pages compute its results again")
    refresh.add_argument("name")
    refresh.add_argument("--db", type=Path, help="database file (default: $CVD_DB_PATH or data/cvd.duckdb)")
    return parser


CLI_ACTOR = Actor("command line", "admin")


def read_password(stdin=None) -> str:
    """One line from standard input when it is not a terminal; else a prompt, twice, without echo."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise users.UserError("mismatch")
    return first


def _store_error_key(error: StoreError) -> str:
    """The message for a database this command cannot open: a server holding it is to be stopped
    (the server's own message would suggest starting it read-only)."""
    return "store.error.locked_command" if error.code == "locked" else f"store.error.{error.code}"


def add_user(args: argparse.Namespace) -> int:
    store = None
    try:
        password = read_password()
        store = Store(args.db or database_path())
        users.add_user(store, CLI_ACTOR, args.name, args.role, password)
    except users.UserError as error:
        print(translate(f"users.error.{error.code}", "en", name=error.name, length=users.MIN_PASSWORD_LENGTH),
              file=sys.stderr)
        return EXIT_USAGE
    except StoreError as error:
        print(translate(_store_error_key(error), "en"), file=sys.stderr)
        return EXIT_USAGE
    finally:
        if store is not None:
            store.close()
    print(f"added {args.name} ({args.role})")
    return EXIT_OK


def source_command(args: argparse.Namespace, out=sys.stdout) -> int:
    """``source add`` and ``source refresh``, acting as the command line (an admin), audited. A missing
    database file is made only once the new source has passed its check."""
    path = args.db or database_path()
    store = None
    try:
        store = Store(path) if path.exists() else None
        by_name = {} if store is None else {d.name: d.dataset_id for d in datasets.list_datasets(store)}
        if args.source_command == "refresh":
            if args.name not in by_name:
                print(f"no dataset named {args.name!r}", file=sys.stderr)
                return EXIT_USAGE
            refreshed = external.refresh(store, by_name[args.name], actor=CLI_ACTOR)
            print(f"refreshed {args.name!r} at {refreshed:%Y-%m-%d %H:%M:%S}", file=out)
            return EXIT_OK
        if args.name in by_name:
            print(f"{args.name!r} exists", file=sys.stderr)
            return EXIT_USAGE
        if args.file is not None and args.backend != "pyspark":
            print("--file needs --backend pyspark", file=sys.stderr)
            return EXIT_USAGE
        mapping = _pairs([pair for value in args.map for pair in value.split(",") if pair.strip()], "--map")
        url = args.url or ("local[*]" if args.backend == "pyspark" else None)
        if url is None:
            print(f"--backend {args.backend} needs --url", file=sys.stderr)
            return EXIT_USAGE
        table = args.table if args.file is None else str(args.file.resolve())
        checked = external.check_source(args.backend, url, table, mapping)
        store = store or Store(path)
        dataset_id = external.add_source(store, args.name, checked, actor=CLI_ACTOR)
        print(f"added {args.name!r} (dataset {dataset_id}): {args.backend} table {table}", file=out)
        return EXIT_OK
    except StoreError as error:
        print(translate(_store_error_key(error), "en"), file=sys.stderr)
        return EXIT_USAGE
    except external.SourceError as error:
        print(translate(f"source.error.{error.code}", "en", **error.details), file=sys.stderr)
        return EXIT_USAGE
    finally:
        if store is not None:
            store.close()


def _error(error: Exception, lang: str) -> str:
    if isinstance(error, sources.UploadError):
        return translate(f"upload.error_{error.code}", lang, file=error.filename, **error.details)
    if isinstance(error, validation.MappingError):
        return translate("upload.error_missing_fields", lang, file=error.filename,
                         fields=", ".join(translate(f"field.{name}", lang) for name in error.missing))
    if isinstance(error, validation.ChoiceNeeded):
        return translate("upload.locale_undecided", lang, fields=", ".join(error.fields)) + (
            " --decimal FIELD=point|comma, --date-order FIELD=ymd|dmy|mdy")
    if isinstance(error, ingest.DuplicateUploadError):
        return translate("upload.error_duplicate", lang, file=error.filename, name=error.dataset_name)
    if isinstance(error, ingest.NothingToWriteError):
        return translate("upload.error_all_rejected", lang, file=error.filename)
    return str(error)


def _print_report(report: validation.Report, lang: str, out) -> None:
    print(f"{report.filename}: {translate('upload.accepted', lang)} {report.rows_accepted:,}, "
          f"{translate('upload.rejected', lang)} {report.rows_rejected:,}", file=out)
    if report.kind == "transactions" and report.rows_accepted:
        print(f"{translate('upload.total_revenue', lang)}: {report.revenue:,.2f}; "
              f"{translate('upload.date_range', lang)}: {report.date_min} - {report.date_max}", file=out)
    for code, count in report.warnings.items():
        print(translate(f"upload.warning_{code}", lang, count=count), file=out)
    for code, count in report.reasons.items():
        print(f"  {translate(f'reason.{code}', lang)}: {count:,}", file=out)
    for row in report.rejects.head(20).itertuples():
        print(f"  {row.row}  {row.column or ''}  {translate(f'reason.{row.reason}', lang)}  {row.value!r}", file=out)


def import_file(args: argparse.Namespace, out=sys.stdout) -> int:
    lang = args.lang
    mode = "append" if args.append else "replace" if args.replace else "new"
    try:
        store = Store(args.db or database_path())
    except StoreError as error:  # a running dashboard server holds the file: stop it for the import
        print(translate(_store_error_key(error), lang) + " " + translate("upload.nothing_changed", lang),
              file=sys.stderr)
        return EXIT_USAGE
    source = None
    try:
        by_name = {d.name: d.dataset_id for d in datasets.list_datasets(store)}
        if mode == "new" and args.dataset in by_name:
            print(f"{args.dataset!r} exists: add --append or --replace", file=sys.stderr)
            return EXIT_USAGE
        if mode != "new" and args.dataset not in by_name:
            print(f"no dataset named {args.dataset!r}", file=sys.stderr)
            return EXIT_USAGE
        source = readers.open_upload(args.file.name, args.file, args.sheet, encoding=args.encoding,
                                     header_line=args.header_line, size_limit=None)
        mapping = suggest_mapping(source.headers, ALL_FIELDS) | _pairs(args.map, "--map")
        detected = validation.default_choices(source, mapping)
        choices = validation.Choices(
            mapping, detected.decimals | _pairs(args.decimal, "--decimal"),
            detected.date_orders | _pairs(args.date_order, "--date-order"), args.cancel_prefix,
        )
        report = validation.check(source, choices)
        _print_report(report, lang, out)
        if args.rejects_csv and report.rows_rejected:
            args.rejects_csv.write_bytes(export.to_csv_bytes(report.rejects))
        if report.rows_rejected and not args.accept_rejects:
            print(translate("upload.nothing_changed", lang) + " (--accept-rejects)", file=out)
            return EXIT_REJECTS
        outcome = ingest.commit(
            store, source, choices, report, mode=mode, dataset_id=by_name.get(args.dataset), dataset_name=args.dataset,
            actor=Actor(args.actor, "uploader"), digest=ingest.source_hash(source),
        )
        message = translate("upload.done_cli", lang, rows=f"{outcome.rows_inserted:,}", file=source.filename, name=args.dataset)
        if outcome.rows_skipped:
            message += " " + translate("upload.skipped", lang, count=f"{outcome.rows_skipped:,}")
        print(message, file=out)
        return EXIT_OK
    except (sources.UploadError, validation.MappingError, validation.ChoiceNeeded, ingest.DuplicateUploadError,
            ingest.NothingToWriteError, duckdb.Error, OSError) as error:
        print(_error(error, lang) + " " + translate("upload.nothing_changed", lang), file=sys.stderr)
        return EXIT_USAGE
    finally:
        if source is not None:
            source.close()
        store.close()


def published_thresholds(store: Store) -> dict:
    """The report's risk and stage thresholds: the published ones where a strategist published them."""
    published = {"risk": presets.shared_thresholds(store, "risk"),
                 "stage_thresholds": presets.shared_thresholds(store, "stages")}
    return {name: thresholds for name, thresholds in published.items() if thresholds is not None}


def write_report(args: argparse.Namespace, out=sys.stdout) -> int:
    """The report of one dataset under the shipped defaults (or ``--preset``) and the thresholds
    everyone starts from, written to ``--out``."""
    lang = args.lang
    started = time.perf_counter()
    try:
        store = Store(args.db or database_path(), read_only=True)
    except StoreError as error:
        print(translate(_store_error_key(error), lang), file=sys.stderr)
        return EXIT_USAGE
    try:
        dataset = next((d for d in datasets.list_datasets(store) if d.name == args.dataset), None)
        if dataset is None:
            print(translate("report.error.no_dataset", lang, name=repr(args.dataset)), file=sys.stderr)
            return EXIT_USAGE
        try:
            weights = presets.load_preset(store, args.preset)
        except KeyError:
            print(translate("report.error.no_preset", lang, name=repr(args.preset)), file=sys.stderr)
            return EXIT_USAGE
        settings = ReportSettings(weights=weights, tier_method=args.tier_method,
                                  tier_shares=dict(DEFAULT_SHARES[args.tier_method]), preset=args.preset,
                                  **published_thresholds(store))
        content = make_report(StoreSource(store, dataset), dataset, settings, lang, args.format)
        args.out.write_bytes(content)
    except ConcentrationUndefined:
        print(translate("report.error.no_customers", lang), file=sys.stderr)
        return EXIT_USAGE
    except PdfUnavailable as error:
        print(translate(f"report.error.{error.code}", lang, **error.details), file=sys.stderr)
        return EXIT_USAGE
    except (duckdb.Error, OSError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.close()
    print(translate("report.written", lang, file=args.out, size=f"{len(content) / 1e6:.2f} MB",
                    seconds=f"{time.perf_counter() - started:.1f}"), file=out)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "user":
        return add_user(args)
    if args.command == "source":
        return source_command(args)
    return write_report(args) if args.command == "report" else import_file(args)


if __name__ == "__main__":
    sys.exit(main())
