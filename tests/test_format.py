"""Number formats shared by every page and figure: one missing marker, no "-0", both languages."""

import math
from datetime import date

import pytest

from ui import format as fmt


@pytest.mark.parametrize(
    "share, text",
    [(0.2, "20%"), (0.6249, "62%"), (1.355, "136%"), (0.021, "2.1%"), (0.0037, "0.37%"), (0.0, "0%"),
     (1e-7, "<0.01%"), (-0.004, "-0.4%"), (-1e-9, "<0.01%")],
)
def test_share_keeps_the_precision_it_needs(share, text):
    assert fmt.share(share, "en") == text


@pytest.mark.parametrize("value", [-0.0001, -0.0, -1e-12])
def test_nothing_reads_minus_zero(value):
    assert fmt.percent(value, "en") == "0.0%"
    assert fmt.money(value, "en") == "0"
    assert fmt.number(value, "en", 1) == "0.0"


@pytest.mark.parametrize("missing", [float("nan"), None, math.inf])
def test_one_marker_for_every_unknown_value(missing):
    marker = fmt.missing("en")
    assert {fmt.percent(missing, "en"), fmt.share(missing, "en"), fmt.money(missing, "en"),
            fmt.compact(missing, "en"), fmt.count(missing, "en"), fmt.day(missing, "en")} == {marker}
    assert marker == fmt.missing("zh") == "–"


@pytest.mark.parametrize(
    "amount, english, chinese",
    [(503e6, "503M", "5.03亿"), (12_345, "12.3K", "1.23万"), (2.5e9, "2.50B", "25.0亿"), (999, "999", "999"),
     (-3e6, "-3.00M", "-300万")],
)
def test_compact_amounts_follow_the_language(amount, english, chinese):
    assert fmt.compact(amount, "en") == english
    assert fmt.compact(amount, "zh") == chinese


def test_counts_are_grouped_and_english_nouns_agree():
    assert fmt.count(1234567, "en") == "1,234,567"
    assert fmt.counted(1, "customers", "en") == "1 customer"
    assert fmt.counted(2, "customers", "en") == "2 customers"
    assert fmt.counted(1, "days", "zh") == "1 天"


def test_dates_read_as_iso():
    assert fmt.day(date(2024, 3, 5), "zh") == "2024-03-05"


def test_money_ticks_label_axes_in_the_language_steps():
    ticks = fmt.money_ticks([0, 3.4e6], "zh")
    assert ticks["ticktext"] == ["0", "100万", "200万", "300万", "400万"]
    assert fmt.money_ticks([0, 3.4e6], "en")["ticktext"][1] == "1M"
    assert fmt.money_ticks([0.0, 0.0], "en") == fmt.money_ticks([float("nan")], "en") == {}


def test_sentences_follow_each_other_as_each_language_writes_them():
    assert fmt.sentences(["Imported 9 rows.", "", "Left out: 1 row."], "en") == "Imported 9 rows. Left out: 1 row."
    assert fmt.sentences(["已导入 9 行。", None, "未导入 1 行。"], "zh") == "已导入 9 行。未导入 1 行。"


def test_the_shipped_demo_is_named_in_the_language_and_other_datasets_as_stored():
    assert fmt.dataset_name("Demo: distributor", True, "zh") == "演示：经销商"
    assert fmt.dataset_name("Demo: distributor", True, "en") == "Demo: distributor"
    assert fmt.dataset_name("Demo: distributor", False, "zh") == "Demo: distributor"  # an upload of that name
    assert fmt.dataset_name("Q3 sales", True, "zh") == "Q3 sales"  # the demo, renamed


def test_lists_and_labels_take_the_language_s_punctuation():
    assert fmt.listed(["Economic value", "Profit per head"], "en") == "Economic value, Profit per head"
    assert fmt.listed(["经济效益", "人均利润贡献"], "zh") == "经济效益、人均利润贡献"
    assert fmt.listed([], "zh") == fmt.missing("zh")
    assert fmt.labelled("Lifts the value", "Economic value", "en") == "**Lifts the value**: Economic value"
    assert fmt.labelled("拉高价值的维度", "经济效益", "zh") == "**拉高价值的维度**：经济效益"
