"""The app through Streamlit's AppTest: starts on demo data, uploads land, bad files get messages."""

import io
from pathlib import Path

import pandas as pd
import pytest
from app_harness import APP, open_app
from streamlit.testing.v1 import AppTest

from analytics.datasets import list_datasets
from analytics.store import Store
from ui.i18n import translate

GBK_SALES = "客户编号,客户名称,订单日期,销售额,成本,备注\nK1,华东贸易,2024-01-05,1000,600,首单\nK2,西部商行,2024/02/01,500,450,\nK1,华东贸易,2024年3月1日,800,500,\n"


def upload(app: AppTest, filename: str, data: bytes, mime: str = "text/csv") -> None:
    (uploader,) = app.file_uploader  # its key changes after each import
    uploader.set_value((filename, data, mime))
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def stored(path) -> tuple:
    store = Store(path)
    try:
        cur = store.cursor()
        return (
            cur.execute("SELECT * FROM datasets ORDER BY ALL").fetchall(),
            cur.execute("SELECT count(*), sum(revenue) FROM transactions").fetchone(),
        )
    finally:
        store.close()


def test_app_starts_on_demo_data(app_database):
    app = open_app()
    assert any("demo data" in box.value for box in app.sidebar.info)
    assert "3,000" in [metric.value for metric in app.metric]


def test_app_loads_demo_data_into_an_empty_database(tmp_path, monkeypatch):
    path = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("CVD_DB_PATH", str(path))
    app = open_app()
    assert not app.exception
    store = Store(path)
    assert [d.is_demo for d in list_datasets(store)] == [True]
    store.close()


def test_language_switch_to_chinese(app_database):
    app = open_app()
    app.sidebar.selectbox[0].select("zh").run()
    assert not app.exception
    assert app.title[0].value == "总览"
    assert app.session_state["lang"] == "zh"
    assert app.metric[0].label == "客户数"


def test_gbk_upload_through_the_data_page_lands(app_database):
    _, (rows_before, revenue_before) = stored(app_database)
    app = open_app("pages/data.py")
    upload(app, "销售明细.csv", GBK_SALES.encode("gbk"))
    assert "encoding gb18030" in app.caption[0].value
    assert [m.value for m in app.metric][:2] == ["3", "0"]
    app.button(key="upload_import").click().run()
    assert not app.exception
    assert any("Imported 3 rows" in s.value for s in app.success)
    (uploader,) = app.file_uploader  # the imported file has left: no stale warnings or second import
    assert not uploader.value and "upload_import" not in [button.key for button in app.button]
    _, (rows, revenue) = stored(app_database)
    assert (rows, revenue) == (rows_before + 3, pytest.approx(revenue_before + 2300))
    store = Store(app_database)
    datasets = list_datasets(store)
    store.close()
    assert [(d.name, d.rows, d.customers) for d in datasets[1:]] == [("销售明细", 3, 2)]
    assert app.session_state["active_dataset_id"] == datasets[1].dataset_id


@pytest.mark.parametrize("sample, accepted, rejects", [
    ("sales_en.csv", 36, []),
    ("销售明细_gbk.csv", 9, [("销售额", "不详")]),  # the sample of a file with a row in error
])
def test_the_sample_files_the_readme_offers_upload_as_described(app_database, sample, accepted, rejects):
    data = (Path(__file__).resolve().parent.parent / "data" / "samples" / sample).read_bytes()
    app = open_app("pages/data.py")
    upload(app, sample, data)
    assert not app.error, [e.value for e in app.error]
    assert [m.value for m in app.metric][:2] == [str(accepted), str(len(rejects))]
    if rejects:
        shown = app.dataframe[-1].value
        assert list(zip(shown["Column"], shown["Value"])) == rejects, shown
    app.button(key="upload_import").click().run()
    assert any(f"Imported {accepted} rows" in s.value for s in app.success), [e.value for e in app.error]


def test_a_file_imported_again_as_a_new_dataset_gets_a_name_of_its_own(app_database):
    data = (Path(__file__).resolve().parent.parent / "data" / "samples" / "sales_en.csv").read_bytes()
    for expected in ("sales_en", "sales_en (2)"):
        app = open_app("pages/data.py")
        upload(app, "sales_en.csv", data)
        assert app.text_input(key="upload_name").value == expected
        app.button(key="upload_import").click().run()
    store = Store(app_database)
    names = [dataset.name for dataset in list_datasets(store)]
    store.close()
    assert names.count("sales_en") == 1 and "sales_en (2)" in names


def test_an_upload_with_rows_in_error_says_before_and_after_that_they_are_left_out(app_database):
    app = open_app("pages/data.py")
    upload(app, "mixed.csv", b"customer,date,amount\nA,2024-01-01,5\nB,not a date,7\nC,2024-01-03,9\n")
    revenue = app.metric[2]  # compact, to fit its card; exact in its help
    assert (revenue.value, revenue.help) == ("14", "Exactly 14.00")
    button = app.button(key="upload_import")
    assert button.label == "Import 2 rows without errors, leave out 1"
    button.click().run()
    assert any("Imported 2 rows" in s.value and "Left out: 1 row with errors" in s.value for s in app.success), \
        [s.value for s in app.success + app.error]


def test_excel_upload_with_sheet_picker(app_database):
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"readme": ["see next sheet"]}).to_excel(writer, sheet_name="Notes", index=False)
        pd.DataFrame({"Customer": ["A", "B"], "Date": ["2024-01-01", "2024-01-02"], "Amount": [5, 7]}).to_excel(writer, sheet_name="Sales", index=False)
    app = open_app("pages/data.py")
    upload(app, "book.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert any("order_date" in e.value or "Order date" in e.value for e in app.error)  # first sheet lacks fields
    app.selectbox(key="upload_sheet").select("Sales").run()
    assert not app.error, [e.value for e in app.error]
    app.button(key="upload_import").click().run()
    assert any("Imported 2 rows" in s.value for s in app.success), [e.value for e in app.error + app.warning]


@pytest.mark.parametrize("filename, data, message", [
    ("empty.csv", b"", "empty\\.csv is empty"),  # file names are escaped for Markdown
    ("headers.csv", b"customer,date,amount\n", "headers\\.csv has headers but no data rows"),
    ("fake.xlsx", b"just text", "fake\\.xlsx is not a spreadsheet"),
])
def test_unreadable_uploads_get_a_message_and_change_nothing(app_database, filename, data, message):
    before = stored(app_database)
    app = open_app("pages/data.py")
    upload(app, filename, data)
    assert any(message in e.value for e in app.error), [e.value for e in app.error]
    assert not app.button(key="upload_import") if "upload_import" in [b.key for b in app.button] else True
    assert stored(app_database) == before


def test_unmapped_required_field_and_all_invalid_rows(app_database):
    before = stored(app_database)
    app = open_app("pages/data.py")
    upload(app, "odd.csv", b"customer,when,amount\nA,not a date,1\nB,never,2\n")
    assert any("Order date" in e.value for e in app.error)
    app.selectbox(key="map_odd.csv_None_order_date").select("when").run()
    assert [m.value for m in app.metric][:2] == ["0", "2"]
    app.button(key="upload_import").click().run()
    assert not app.exception
    assert any("no row passed validation" in e.value for e in app.error)
    assert stored(app_database) == before


def test_same_rows_appended_again_are_refused(app_database):
    app = open_app("pages/data.py")
    upload(app, "s.csv", GBK_SALES.encode("utf-8"))
    app.button(key="upload_import").click().run()
    before = stored(app_database)
    app = open_app("pages/data.py")
    upload(app, "s.csv", GBK_SALES.replace("\n", "\r\n").encode("utf-8"))  # re-saved with CRLF: other bytes
    app.radio(key="upload_mode").set_value("append").run()
    assert any("3 rows of this file are already in" in w.value for w in app.warning), [w.value for w in app.warning]
    app.button(key="upload_import").click().run()
    assert any("already uploaded" in e.value for e in app.error)
    assert stored(app_database) == before


def test_upload_flow_in_chinese(app_database):
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["lang"] = "zh"
    app.run()
    app.switch_page("pages/data.py").run()
    upload(app, "销售.csv", GBK_SALES.encode("gbk"))
    assert app.title[0].value == "数据"
    app.radio(key="upload_mode").set_value("new").run()
    app.button(key="upload_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("已从 销售\\.csv 导入 3 行" in s.value for s in app.success), [s.value for s in app.success]


def test_language_switch_keeps_option_widgets_valid(app_database):
    app = open_app()
    app.radio(key="overview_pyramid_share").set_value("revenue_share")
    app.sidebar.selectbox(key="lang").select("zh").run()
    assert not app.exception, [e.value for e in app.exception]
    share = app.radio(key="overview_pyramid_share")
    assert share.value == "revenue_share"  # the choice carries over rather than being orphaned
    assert share.options[1] == "销售额占比"


def test_customer_master_upload_and_customer_search(app_database):
    app = open_app("pages/data.py")
    app.radio(key="upload_kind").set_value("customers").run()
    master = "客户编号,客户名称,满意度\nC00001,新名字有限公司,9.5\nC00002,,11\n"
    upload(app, "master.csv", master.encode("gbk"))
    assert [m.value for m in app.metric][:2] == ["1", "1"]  # satisfaction 11 is out of range
    app.button(key="upload_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Updated the attributes of 1 customers" in s.value for s in app.success)
    app.segmented_control(key="data_section").set_value("customers").run()
    app.text_input(key="customer_search").input("新名字").run()
    assert app.caption[-1].value == "1 of 3,000 customers"


def test_ambiguous_dates_block_the_import_until_chosen(app_database):
    before = stored(app_database)
    app = open_app("pages/data.py")
    upload(app, "us.csv", b"customer,date,amount\nA,05/01/2024,1.50\nB,06/02/2024,2\n")
    assert any("Choose how these columns are written" in w.value for w in app.warning)
    assert "upload_import" not in [b.key for b in app.button]
    app.selectbox(key="locale_us.csv_None_order_date_date").select("mdy").run()
    assert not app.exception
    app.button(key="upload_import").click().run()
    assert any("Imported 2 rows" in s.value for s in app.success)
    store = Store(app_database)
    try:
        dates = store.cursor().execute(
            "SELECT min(order_date), max(order_date), sum(revenue) FROM transactions WHERE customer_id IN ('A', 'B')"
        ).fetchall()[0]
    finally:
        store.close()
    assert (str(dates[0]), str(dates[1]), dates[2]) == ("2024-05-01", "2024-06-02", 3.5)
    assert stored(app_database)[1][0] == before[1][0] + 2


def test_upload_history_and_rollback_on_the_data_page(app_database):
    app = open_app("pages/data.py")
    upload(app, "jan.csv", b"customer,date,amount\nA,2024-01-01,10\n")
    app.button(key="upload_import").click().run()
    before = stored(app_database)
    app = open_app("pages/data.py", active_dataset_id=app.session_state["active_dataset_id"])
    upload(app, "feb.csv", b"customer,date,amount\nA,2024-01-01,10\nB,2024-02-01,5\n")
    app.radio(key="upload_mode").set_value("append").run()
    assert any("1 rows of this file are already in" in w.value for w in app.warning)
    app.button(key="upload_import").click().run()
    assert any("1 rows were already in the dataset and were skipped" in s.value for s in app.success)
    assert stored(app_database) != before
    app.segmented_control(key="data_section").set_value("datasets").run()
    picker = next(s for s in app.selectbox if s.key.startswith("rollback_pick_"))
    assert [option.split(" · ")[1] for option in picker.options] == ["feb.csv", "jan.csv"]
    assert picker.value == max(int(option[1:].split(" ")[0]) for option in picker.options)  # the newest first
    app.button(key="manage_rollback").click().run()
    assert not app.exception
    assert any("Rolled back upload" in s.value for s in app.success)
    assert stored(app_database)[1] == before[1]


def test_the_datasets_section_names_the_demo_in_the_language(app_database):
    """Listed and picked by its translated name, as in the sidebar; renaming starts from the stored name."""
    app = open_app("pages/data.py", lang="zh")
    app.segmented_control(key="data_section").set_value("datasets").run()
    assert not app.exception
    assert list(app.dataframe[0].value.iloc[:, 0]) == ["演示：经销商"]
    picker = next(s for s in app.selectbox if s.key.startswith("manage_pick_"))
    assert picker.options == ["演示：经销商"]
    assert next(i for i in app.text_input if i.key.startswith("rename_")).value == "Demo: distributor"
    delete = next(i for i in app.text_input if i.key.startswith("delete_"))
    assert "演示：经销商" in delete.label
    delete.input("演示：经销商").run()  # the name on screen confirms, as the stored one would
    app.button(key="manage_delete").click().run()
    assert not app.exception and translate("data.delete_mismatch", "zh") not in [e.value for e in app.error]
    assert list_datasets(Store(app_database)) == []  # deleted

