"""The command-line import: same validation and report as the page, exit codes for scheduled loads."""

import subprocess
import sys
from pathlib import Path

from analytics.datasets import list_datasets, upload_history
from analytics.store import Store

ROOT = Path(__file__).resolve().parent.parent
SALES = "Kunde;Datum;Betrag\nK1;05.01.2024;83,71\nK2;13.01.2024;1.234,50\n"
MAP = ["--map", "customer_id=Kunde", "--map", "order_date=Datum", "--map", "revenue=Betrag"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_import_append_rejects_and_exit_codes(tmp_path):
    db = tmp_path / "cli.duckdb"
    first = tmp_path / "jan.csv"
    first.write_bytes(SALES.encode("cp1252"))
    done = run("import", str(first), "--dataset", "Sales", "--db", str(db), "--actor", "cron", *MAP)
    assert done.returncode == 0, done.stderr
    assert "Imported 2 rows" in done.stdout and "1,318.21" in done.stdout

    bad = tmp_path / "feb.csv"
    bad.write_text(SALES + "K3;14.01.2024;viel\nK4;15.01.2024;1,00;extra\nK5;01.02.2024;2,50\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    refused = run("import", str(bad), "--dataset", "Sales", "--append", "--db", str(db), "--rejects-csv", str(rejects), *MAP)
    assert refused.returncode == 1
    assert rejects.read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "4,Betrag,revenue,bad_number_comma,viel", '5,,,ragged_line,"K4;15.01.2024;1,00;extra"',
    ]
    accepted = run("import", str(bad), "--dataset", "Sales", "--append", "--accept-rejects", "--db", str(db), *MAP)
    assert accepted.returncode == 0, accepted.stderr
    assert "2 rows were already in the dataset" in accepted.stdout

    store = Store(db)
    try:
        (dataset,) = list_datasets(store)
        assert (dataset.name, dataset.rows) == ("Sales", 3)
        history = upload_history(store, dataset.dataset_id)
        assert history[["mode", "actor", "rows_inserted", "rows_rejected", "rows_skipped"]].values.tolist() == [
            ["append", "local", 1, 2, 2], ["new", "cron", 2, 0, 0]]
        assert store.cursor().execute("SELECT round(sum(revenue), 2) FROM transactions").fetchall()[0][0] == 1320.71
    finally:
        store.close()


def test_ambiguous_dates_and_unknown_dataset_exit_2(tmp_path):
    db = tmp_path / "cli.duckdb"
    file = tmp_path / "us.csv"
    file.write_text("customer,date,amount\nA,05/01/2024,1\n", encoding="utf-8")
    ambiguous = run("import", str(file), "--dataset", "US", "--db", str(db))
    assert ambiguous.returncode == 2 and "order_date" in ambiguous.stderr
    assert run("import", str(file), "--dataset", "US", "--db", str(db), "--date-order", "order_date=mdy").returncode == 0
    assert run("import", str(file), "--dataset", "Nope", "--append", "--db", str(db)).returncode == 2


def test_import_while_a_server_holds_the_database_is_refused_in_words(locked_database, tmp_path):
    file = tmp_path / "sales.csv"
    file.write_bytes(SALES.encode("cp1252"))
    refused = run("import", str(file), "--dataset", "Sales", "--db", str(locked_database), *MAP)
    assert refused.returncode == 2
    assert "Stop the server, run this command, then start the server again" in refused.stderr
    assert "CVD_READ_ONLY" not in refused.stderr and "Traceback" not in refused.stderr
    assert str(locked_database.parent) not in refused.stderr and "PID" not in refused.stderr
