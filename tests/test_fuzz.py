"""Hostile files through read, map, validate and import: a clear outcome, in bounded time and memory.

A seeded generator makes the corpus here (nothing is committed): random bytes, mutated CSVs
(quotes, delimiters, NUL and control characters, huge and non-finite numbers, long fields, BOMs,
mixed encodings, time zones, many columns), a first line full of ``,"a``, and workbooks that are
truncated, bit-flipped, zip bombs, far-off columns or odd typed cells. Every file must be imported
or refused with an upload error; a refusal leaves the database as it was; every dataset made from
accepted files renders every page without an exception.
"""

from __future__ import annotations

import io
import random
import resource
import time
import zipfile
from collections import Counter
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from app_harness import APP
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from streamlit.testing.v1 import AppTest

from analytics import ingest, readers, sources, validation
from analytics.locales import DATE_ORDERS, DECIMALS
from analytics.mapping import suggest_mapping
from analytics.store import DB_PATH_ENV, Store

SEED = 20261130
FILES = 500
MAX_SECONDS_PER_FILE = 10.0
MAX_GROWTH_MB_PER_FILE = 400
PAGES = ["pages/overview.py", "pages/value_model.py", "pages/concentration.py", "pages/customer.py",
         "pages/lifecycle.py", "pages/lifetime_value.py", "pages/segments.py", "pages/report.py", "pages/data.py"]
REFUSALS = (sources.UploadError, validation.MappingError, validation.ChoiceNeeded, ingest.NothingToWriteError,
            ingest.DuplicateUploadError)
HEADER = ["customer_id", "order_date", "revenue", "cost", "channel", "region", "name"]  # workbooks keep a name
NASTY_CELLS = ["", " ", '"', '""', ',', ';', "\x00", "A\x00B", "\x1b[31m", "\u2028", "=1+1", "=HYPERLINK(\"http://x\")",
               "1e308", "-1e308", "inf", "NaN", "1,234", "1.234,5", "(12)", "¥99", "9" * 400, "x" * 5000, "2024-02-30",
               "2024-01-05T23:30:00+08:00", "13/13/2024", "00/00/0000", "1900-01-01", "2101-01-01", "١٢", "１２",
               "\ufeff", "\\", "NULL", "None", "-0", "1_000", "0x1F", "☃", "𝔘", "'", "\r", "\n"]


def csv_row(rng: random.Random, width: int) -> list[str]:
    day = datetime(2023, 1, 1) + timedelta(days=rng.randrange(900))
    cells = [f"C{rng.randrange(40):03d}", day.strftime(rng.choice(["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y年%m月%d日"])),
             f"{rng.uniform(-50, 5000):.2f}", f"{rng.uniform(0, 3000):.2f}", rng.choice(["Web", "Shop"]),
             rng.choice(["East", "West"]), f"Name {rng.randrange(40)}"]
    for _ in range(rng.randrange(3)):
        cells[rng.randrange(len(cells))] = rng.choice(NASTY_CELLS)
    return cells[:width] + [rng.choice(NASTY_CELLS) for _ in range(width - len(cells))]


def quoted(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def mutated_csv(rng: random.Random) -> bytes:
    delimiter = rng.choice([",", ";", "\t", "|"])
    width = rng.choice([3, 6, 6, 6, 12])
    lines = [delimiter.join(HEADER[:width] + [f"extra{i}" for i in range(width - len(HEADER))])]
    for _ in range(rng.randrange(1, 40)):
        row = csv_row(rng, width)
        if rng.random() < 0.1:
            row = row[: rng.randrange(1, width + 1)] + ["spill"] * rng.randrange(2)  # ragged
        lines.append(delimiter.join(quoted(c, delimiter) for c in row))
    text = rng.choice(["\n", "\r\n", "\r"]).join(lines) + "\n"
    if rng.random() < 0.2:
        text = "Report title\n\n" + text
    encoding = rng.choice(["utf-8", "utf-8-sig", "gb18030", "cp1252", "utf-16"])
    data = text.encode(encoding, errors="replace")
    for _ in range(rng.choice([0, 0, 1, 3])):  # byte damage
        at = rng.randrange(len(data))
        data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    if rng.random() < 0.1:
        data = data[: rng.randrange(len(data))]
    return data


def workbook(rng: random.Random) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if rng.random() < 0.3:
        sheet.append(["Sales export"])
    sheet.append(HEADER)
    for _ in range(rng.randrange(1, 30)):
        row = []
        for cell in csv_row(rng, len(HEADER)):
            pick = rng.random()
            row.append(ILLEGAL_CHARACTERS_RE.sub("", cell) if pick < 0.6 else rng.choice([
                rng.uniform(-1e6, 1e6), float("nan"), float("inf"), rng.randrange(10**6), True, None,
                datetime(2024, 1, 5, 10, tzinfo=timezone(timedelta(hours=8))).replace(tzinfo=None),
                datetime(2024, 1, 5), "=SUM(1,2)"]))
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    damage = rng.random()
    if damage < 0.15:
        data = data[: rng.randrange(len(data))]
    elif damage < 0.3:
        at = rng.randrange(len(data))
        data = data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    return data


def far_column_workbook(rng: random.Random) -> bytes:
    cells = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (i, i) for i in range(1, rng.randrange(2, 200)))
    return _raw_workbook(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         + cells + b"</sheetData></worksheet>")


def zip_bomb(rng: random.Random) -> bytes:
    return _raw_workbook(b"<worksheet>" + b" " * rng.randrange(2, 8) * 2**20 + b"</worksheet>")


def _raw_workbook(sheet_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/workbook.xml", b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
        book.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def quote_storm(rng: random.Random) -> bytes:
    return b',"a' * rng.randrange(1000, 60_000) + b"\ncustomer,date,amount\nA,2024-01-01,1\n"


def random_bytes(rng: random.Random) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))


FAMILIES = [(mutated_csv, ".csv", 0.6), (workbook, ".xlsx", 0.2), (random_bytes, ".csv", 0.08),
            (quote_storm, ".csv", 0.04), (far_column_workbook, ".xlsx", 0.04), (zip_bomb, ".xlsx", 0.04)]


def corpus():
    rng = random.Random(SEED)
    makers, suffixes, weights = zip(*FAMILIES)
    for index in range(FILES):
        family = rng.choices(range(len(FAMILIES)), weights)[0]
        yield f"fuzz{index:03d}{suffixes[family]}", makers[family].__name__, makers[family](rng)


def snapshot(store: Store) -> tuple:
    """What a refusal must leave as it was: rows and their sum, datasets and their versions, uploads."""
    return store.row("""SELECT (SELECT count(*) FROM transactions), (SELECT sum(revenue) FROM transactions),
                               (SELECT count(*) FROM datasets), (SELECT max(version) FROM datasets),
                               (SELECT count(*) FROM uploads)""")


def through_the_upload_path(store: Store, filename: str, data: bytes, into: int | None = None) -> int:
    """Read, map, choose (the first option where the file is ambiguous), validate, import (a new
    dataset, or appended to ``into``)."""
    source = readers.open_upload(filename, data)
    try:
        mapping = suggest_mapping(source.headers)
        detected = validation.default_choices(source, mapping)
        choices = validation.Choices(
            mapping,
            {name: detected.decimals.get(name, DECIMALS[0]) for name in ("revenue", "cost") if name in mapping},
            {name: detected.date_orders.get(name, DATE_ORDERS[1]) for name in ("order_date",) if name in mapping},
        )
        report = validation.check(source, choices)
        assert report.rows_accepted + report.rows_rejected == report.rows_total
        return ingest.commit(store, source, choices, report, mode="new" if into is None else "append", dataset_id=into,
                             dataset_name=filename).dataset_id
    finally:
        source.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_hostile_files_end_clearly_in_bounded_time_and_memory(tmp_path, monkeypatch):
    path = tmp_path / "fuzz.duckdb"
    store = Store(path)
    outcomes: Counter = Counter()
    datasets: dict[str, int] = {}  # accepted files of a family are appended into one dataset
    slowest = growth = 0.0
    loop_started = time.perf_counter()
    state = snapshot(store)  # the database before the next file: taken once, again only after an import
    for filename, family, data in corpus():
        rss, started = peak_mb(), time.perf_counter()
        try:
            datasets[family] = through_the_upload_path(store, filename, data, datasets.get(family))
        except REFUSALS as error:
            elapsed = time.perf_counter() - started
            outcomes[f"refused:{getattr(error, 'code', type(error).__name__)}"] += 1
            assert snapshot(store) == state, filename
        else:
            elapsed = time.perf_counter() - started
            outcomes["imported"] += 1
            state = snapshot(store)
        slowest, growth = max(slowest, elapsed), max(growth, peak_mb() - rss)
        assert elapsed < MAX_SECONDS_PER_FILE, (filename, elapsed)
        assert peak_mb() - rss < MAX_GROWTH_MB_PER_FILE, filename
    assert sum(outcomes.values()) == FILES
    assert outcomes["imported"] >= 50 and sum(v for k, v in outcomes.items() if k != "imported") >= 50, outcomes
    print(f"\nfuzz: {FILES} files in {time.perf_counter() - loop_started:.1f} s, {dict(sorted(outcomes.items()))},"
          f" slowest {slowest:.2f} s, largest peak-memory growth {growth:.0f} MB")
    store.close()
    monkeypatch.setenv(DB_PATH_ENV, str(path))
    started = time.perf_counter()
    failures = []
    for dataset_id in datasets.values():
        app = AppTest.from_file(APP, default_timeout=60)
        app.session_state["active_dataset_id"] = dataset_id
        app.run()
        for page in PAGES:
            app.switch_page(page).run()
            failures += [(dataset_id, page, e.value) for e in app.exception]
    assert not failures, failures
    print(f"pages: {len(PAGES)} pages x {len(datasets)} datasets in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize("data", [b',"a' * 300_000 + b"\n", b"a,b\n" + b'"' * 100_000 + b"\n1,2\n"])
def test_quote_storms_do_not_hang(store, data):
    started = time.perf_counter()
    try:
        through_the_upload_path(store, "storm.csv", data)
    except REFUSALS:
        pass
    assert time.perf_counter() - started < MAX_SECONDS_PER_FILE
