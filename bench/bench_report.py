"""Benchmark: the executive report at 100,000 customers, against its targets (HTML at most 5 s and
5 MB, PDF at most 20 s), and the key-account reviews.

Builds the demo business at N customers through the app's write path (``table_uploads.write_upload``)
in a temporary DuckDB file, then, in one run:

- the report made cold, as the command line makes it (features, lifetime-value fits today and at
  the migration's cut-offs, stages, everything from the database), and warm, as the Report page
  makes it once the pages have computed their results (``StoreSource`` keeps them as the app's
  cache does): gathering, HTML writing, size;
- the PDF: headless Chromium printing that HTML, in English and Chinese, with its pages;
- the key-account reviews: one review, and the zip of the first ``--reviews`` S and A customers
  (the rate gives the time of the whole zip).

Run: .venv/bin/python bench/bench_report.py [--customers N] [--reviews R]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics.datasets import list_datasets
from analytics.demo import DEMO_NAME, generate_demo
from analytics.report import account as review
from analytics.report.data import ReportSettings, StoreSource, gather
from analytics.store import Store
from analytics.table_uploads import write_upload
from ui.report import account, render_report
from ui.report.pdf import html_to_pdf

HTML_SECONDS, HTML_BYTES, PDF_SECONDS = 5.0, 5_000_000, 20.0


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.duckdb"
        upload, seconds = timed(lambda: generate_demo(n_customers=args.customers))
        store = Store(path)
        _, written = timed(lambda: write_upload(store, upload, mode="new", digest=None, dataset_name=DEMO_NAME,
                                                is_demo=True))
        print(f"built {args.customers:,} customers, {len(upload.transactions):,} order lines: generated in "
              f"{seconds:.1f} s, written through table_uploads.write_upload in {written:.1f} s")
        dataset = list_datasets(store)[0]
        settings = ReportSettings()
        source = StoreSource(store, dataset)

        data, cold = timed(lambda: gather(source, dataset, settings))
        document, render = timed(lambda: render_report(data, "en"))
        size = len(document.encode("utf-8"))
        print(f"HTML cold (command line: every result from the database): gather {cold:.2f} s + write {render:.2f} s"
              f" = {cold + render:.2f} s")
        data, warm = timed(lambda: gather(source, dataset, replace(settings)))
        documents = {}
        for lang in ("en", "zh"):
            documents[lang], render = timed(lambda lang=lang: render_report(data, lang))
            size = len(documents[lang].encode("utf-8"))
            print(f"HTML warm ({lang}, the Report page after the other pages): gather {warm:.2f} s + write {render:.2f} s"
                  f" = {warm + render:.2f} s ({(warm + render) / HTML_SECONDS:.2f} of the {HTML_SECONDS:.0f} s target);"
                  f" {size / 1e6:.3f} MB ({size / HTML_BYTES:.3f} of 5 MB), plotly.js {4_815_814 / 1e6:.2f} MB of it")

        from pypdf import PdfReader  # a test dependency: pages of the PDF

        for lang, text in documents.items():
            pdf, seconds = timed(lambda text=text: html_to_pdf(text))
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(f"PDF ({lang}): {seconds:.1f} s ({seconds / PDF_SECONDS:.2f} of the {PDF_SECONDS:.0f} s target), "
                  f"{pages} pages, {len(pdf) / 1e6:.2f} MB")

        ctx, seconds = timed(lambda: review.context(source, dataset, settings))
        accounts = review.key_accounts(ctx)
        print(f"key-account reviews: context {seconds:.2f} s; {len(accounts):,} S and A customers")
        _, seconds = timed(lambda: account.review_html(ctx, accounts["customer_id"].iloc[0], "zh"))
        print(f"one review: {seconds * 1000:.0f} ms")
        few = replace(ctx, table=ctx.table[ctx.table["customer_id"].isin(accounts["customer_id"].iloc[:args.reviews])])
        archive, seconds = timed(lambda: account.reviews_zip(few, "en"))
        rate = seconds / min(args.reviews, len(accounts))
        print(f"zip of {min(args.reviews, len(accounts)):,} reviews: {seconds:.1f} s, {len(archive) / 1e6:.2f} MB; "
              f"{rate * 1000:.0f} ms a review, so the zip of all {len(accounts):,} takes about {rate * len(accounts):.0f} s")
        store.close()


if __name__ == "__main__":
    main()
