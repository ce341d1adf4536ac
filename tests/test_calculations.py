"""The SPEC §5 numbers, as pure functions, against hand-worked values."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from sitegen import metrics
from sitegen.schedule import total_float
from sitegen.validate import find_cycles
from sitegen.window import clip, shown_window
from sitegen.workdays import WorkCalendar
from sitegen.workload import Span, daily_load, day_runs

D = date.fromisoformat
PLAIN = WorkCalendar()
# China's 2023 National Day: a week off, with Saturday 7 and Sunday 8 October worked instead.
NATIONAL_DAY = WorkCalendar(
    holidays=frozenset(D("2023-09-29") + timedelta(days=i) for i in range(8)),
    workdays=frozenset({D("2023-10-07"), D("2023-10-08")}),
)


# ---------------------------------------------------------------- calendar


def test_make_up_days_work_and_holidays_do_not():
    assert NATIONAL_DAY.is_working(D("2023-10-07"))  # a Saturday
    assert NATIONAL_DAY.is_working(D("2023-10-08"))  # a Sunday
    assert not NATIONAL_DAY.is_working(D("2023-10-02"))  # a Monday off
    assert not NATIONAL_DAY.is_working(D("2023-09-30"))  # a Saturday, not made up


def test_working_days_across_national_day():
    # 25–28 Sep (4) + 7–8 Oct make-up (2) + 9–13 Oct (5); 29 Sep–6 Oct are off.
    assert NATIONAL_DAY.count(D("2023-09-25"), D("2023-10-13")) == 11
    # wd(a, D) counts (a, D]: 7, 8 and 9 October.
    assert NATIONAL_DAY.between(D("2023-09-28"), D("2023-10-09")) == 3
    assert NATIONAL_DAY.count(D("2023-10-02"), D("2023-10-01")) == 0


@given(
    st.dates(min_value=D("2023-01-01"), max_value=D("2024-12-31")),
    st.integers(min_value=0, max_value=120),
)
def test_count_agrees_with_walking_day_by_day(first, length):
    last = first + timedelta(days=length)
    assert NATIONAL_DAY.count(first, last) == len(list(NATIONAL_DAY.days(first, last)))


# ---------------------------------------------------------------- deviation, completion, KPI


def test_the_guides_progress_table():
    # 1 of 2 scripts done: 50.0% complete, −50.0% deviation (guide, table 3).
    assert metrics.percent(metrics.ratio(1, 2)) == 50.0
    assert metrics.percent(metrics.deviation(1, 2)) == -50.0
    # 2 of 3 finals: 66.7% complete, −33.3%.
    assert metrics.percent(metrics.ratio(2, 3)) == 66.7
    assert metrics.percent(metrics.deviation(2, 3)) == -33.3
    # Everything done: 100.0%, 0.0%.
    assert metrics.percent(metrics.deviation(3, 3)) == 0.0


def test_a_lag_that_rounds_to_zero_is_zero_not_minus_zero():
    # 99.99 of 100 planned: −0.01% rounds to 0.0; status.json must not say -0.0.
    lag = metrics.deviation(Decimal("99.99"), 100)
    assert math.copysign(1, metrics.percent(lag)) == 1.0
    assert metrics.percent_text(lag, signed=True) == "0.0%"


def test_kpi_achievement():
    assert metrics.percent(metrics.ratio(5_200_000, 5_000_000)) == 104.0
    assert metrics.percent(metrics.ratio(Decimal("5.2"), 5)) == 104.0


def test_exactly_twenty_percent_short_raises_the_alert():
    assert metrics.is_alert(metrics.deviation(4, 5), Decimal("0.20"))
    # 0.8 of 1 is exactly −20% only in exact arithmetic (binary floats give −0.1999…).
    assert metrics.is_alert(metrics.deviation(Decimal("0.8"), 1), Decimal("0.20"))
    assert metrics.is_alert(metrics.deviation(0.8, 1), Decimal("0.20"))
    assert not metrics.is_alert(metrics.deviation(9, 10), Decimal("0.20"))
    assert not metrics.is_alert(metrics.deviation(Decimal("4.01"), 5), Decimal("0.20"))


def test_no_deviation_without_a_plan():
    assert metrics.deviation(3, 0) is None
    assert metrics.deviation(3, None) is None
    assert metrics.deviation(None, 3) is None
    assert not metrics.is_alert(None, Decimal("0.2"))


def test_rounding_is_half_up_to_one_decimal():
    assert metrics.percent(Fraction(49, 400)) == 12.3  # 12.25; round() would give 12.2
    assert metrics.percent(Fraction(-1, 3)) == -33.3
    assert metrics.percent(Fraction(2, 3)) == 66.7
    assert metrics.percent(None) is None


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
)
def test_deviation_is_negative_exactly_when_behind(actual, planned):
    value = metrics.deviation(actual, planned)
    assert (value < 0) == (actual < planned)
    assert (value == 0) == (actual == planned)


# ---------------------------------------------------------------- planned and actual progress


def test_planned_progress_is_linear_in_working_days():
    start, end = D("2023-07-03"), D("2023-07-14")  # Mon..Fri next week: 10 working days
    assert metrics.planned_progress(start, end, D("2023-07-02"), PLAIN) == 0
    assert metrics.planned_progress(start, end, D("2023-07-05"), PLAIN) == 30  # 3 of 10
    assert metrics.planned_progress(start, end, D("2023-07-08"), PLAIN) == 50  # Saturday: 5 of 10
    assert metrics.planned_progress(start, end, D("2023-07-14"), PLAIN) == 100
    assert metrics.planned_progress(start, end, D("2023-08-01"), PLAIN) == 100


def test_planned_progress_between_plan_points():
    plan = {D("2023-07-10"): 40, D("2023-07-15"): 80, D("2023-07-18"): 100}
    start, end = D("2023-07-08"), D("2023-07-18")

    def on(day: str) -> Fraction:
        return metrics.planned_progress(start, end, D(day), PLAIN, plan)

    assert on("2023-07-09") == 0  # before the first point
    assert on("2023-07-10") == 40  # on a point: its value
    # wd(10th, 12th) = 2 of wd(10th, 15th) = 4 (the 15th is a Saturday): 40 + 40 × 2/4.
    assert on("2023-07-12") == 60
    assert on("2023-07-16") == 80  # Sunday: no working day since the Saturday point
    assert on("2023-07-17") == 90  # 80 + 20 × 1/2
    assert on("2023-07-31") == 100  # after the last point: its value


@given(
    st.dates(min_value=D("2023-09-01"), max_value=D("2023-10-31")),
    st.dates(min_value=D("2023-09-01"), max_value=D("2023-10-31")),
    st.integers(min_value=-40, max_value=40),
)
def test_planned_progress_is_monotonic_and_bounded(day1, day2, offset):
    start, end = D("2023-09-25"), D("2023-10-12")
    plan = {D("2023-09-27"): 10, D("2023-10-07"): 50, D("2023-10-10"): 90}
    early, late = sorted((day1, day2))
    for points in (None, plan):
        low = metrics.planned_progress(start, end, early, NATIONAL_DAY, points)
        high = metrics.planned_progress(start, end, late, NATIONAL_DAY, points)
        assert 0 <= low <= high <= 100
    shifted = start + timedelta(days=offset)
    value = metrics.planned_progress(shifted, shifted + timedelta(days=3), early, NATIONAL_DAY)
    assert 0 <= value <= 100


def test_actual_progress_is_the_latest_report_on_or_before_the_day():
    reported = [(D("2023-07-10"), 40), (D("2023-07-15"), 80), (D("2023-07-18"), 90)]
    assert metrics.actual_progress(reported, D("2023-07-09"), done=False) is None
    assert metrics.actual_progress(reported, D("2023-07-12"), done=False) == 40
    assert metrics.actual_progress(reported, D("2023-07-18"), done=False) == 90
    assert metrics.actual_progress(reported, D("2023-07-12"), done=True) == 100


# ---------------------------------------------------------------- critical path, load, loops


def test_critical_path_has_zero_float():
    # A(3) → B(2) → D(1) and A(3) → C(4) → D(1): the longest chain is A–C–D, 8 days.
    floats = total_float(
        {"A": 3, "B": 2, "C": 4, "D": 1, "E": 1},
        {"B": ["A"], "C": ["A"], "D": ["B", "C"]},
    )
    assert floats == {"A": 0, "B": 2, "C": 0, "D": 0, "E": 7}


def test_critical_path_skips_tasks_in_a_loop():
    floats = total_float({"A": 1, "B": 1, "C": 2}, {"A": ["B"], "B": ["A"]})
    assert floats == {"C": 0}


def test_cycles_are_named_from_their_smallest_id():
    assert find_cycles({"B": ["C"], "C": ["A"], "A": ["B"], "D": ["A"]}) == [["A", "B", "C"]]
    assert find_cycles({"A": ["B"], "B": []}) == []


def test_load_counts_active_tasks_per_working_day():
    spans = [
        Span("T1", D("2023-07-03"), D("2023-07-07")),
        Span("T2", D("2023-07-05"), D("2023-07-11")),
        Span("T3", D("2023-07-06"), D("2023-07-06")),
    ]
    load = daily_load(spans, PLAIN, limit=2)
    assert len(load.by_day[D("2023-07-05")]) == 2
    assert load.by_day[D("2023-07-06")] == ("T1", "T2", "T3")
    assert D("2023-07-08") not in load.by_day  # a Saturday
    assert load.peak == 3
    assert load.overloaded_days == [D("2023-07-06")]
    # Friday the 7th and Monday the 10th are consecutive working days.
    days = [D("2023-07-06"), D("2023-07-07"), D("2023-07-10"), D("2023-07-12")]
    assert day_runs(days, PLAIN) == [
        (D("2023-07-06"), D("2023-07-10")),
        (D("2023-07-12"), D("2023-07-12")),
    ]


def test_load_chart_grid_labels_stay_legible():
    from sitegen.pages.view import grid_step

    # 96 px for 0..6 tasks: a label a task (16 px apart); for 0..41, every 10th (23 px).
    assert grid_step(6, 96) == 1
    assert grid_step(8, 96) == 2
    assert grid_step(41, 96) == 10
    assert grid_step(1000, 96) == 200


def test_numbers_written_with_an_exponent_are_shown_plainly():
    from sitegen.model import TaskDoc

    def budget(written: object) -> str:
        doc = TaskDoc.model_validate(
            {"id": "a", "title": "x", "owner": "a", "end": "2024-03-08", "budget": written}
        )
        return str(doc.budget)

    assert [budget(w) for w in ("1e3", "1.0e3", "1.5e1", "2.50", 7, "1e-2")] == [
        "1000", "1000", "15", "2.50", "7", "0.01",
    ]  # fmt: skip
    assert budget("1e28") == "1" + "0" * 28  # past Decimal's 28 digits: no crash
    # a YAML float with a signed exponent arrives as a Decimal that keeps it
    assert budget(Decimal("1.5E+2")) == "150"


# ---------------------------------------------------------------- brief length


def test_a_brief_is_as_long_as_a_reader_counts():
    family, composed, decomposed = "👨\u200d👩\u200d👧\u200d👦", "é", "e\u0301"
    assert metrics.characters(family) == 1  # five code points
    assert metrics.characters(decomposed) == metrics.characters(composed) == 1
    assert metrics.characters("🇨🇳") == 1  # a flag: two regional indicators
    assert metrics.characters("汉" * 201) == 201
    assert metrics.characters("line\r\nline") == 9  # CR LF is one line break
    assert metrics.characters("plain ASCII") == 11


# ---------------------------------------------------------------- the window pages show


def test_pages_show_every_date_when_they_lie_within_three_years():
    days = [D("2023-07-03"), D("2023-07-28"), D("2024-02-01")]
    assert shown_window(days, near=D("2025-06-30")) == (D("2023-07-03"), D("2025-06-30"))
    assert shown_window([], near=D("2024-03-04")) == (D("2024-03-04"), D("2024-03-04"))


def test_a_typo_of_centuries_leaves_the_busiest_three_years():
    campaign = [D("2024-03-04"), D("2024-03-29"), D("2024-03-08")]
    typo = [D("1900-01-01"), D("2199-12-31")]
    as_of = D("2024-03-04")
    assert shown_window(campaign + typo, as_of) == (D("2024-03-04"), D("2024-03-29"))
    # A site of 2023 read in 2027: its own dates outnumber the as-of day.
    old = [D("2023-07-03"), D("2023-07-31"), D("2023-08-15")]
    assert shown_window(old + typo, D("2027-01-04")) == (D("2023-07-03"), D("2023-08-15"))
    # Nothing but the typo: the as-of day alone.
    assert shown_window(typo, as_of) == (as_of, as_of)


def test_of_equally_busy_stretches_the_one_nearest_the_as_of_day_is_shown():
    days = [D("2010-01-04"), D("2010-01-05"), D("2030-01-07"), D("2030-01-08")]
    # 2020-01-06 is 3,653 days after the first pair and 3,654 before the second
    assert shown_window(days, D("2020-01-06")) == (D("2010-01-04"), D("2010-01-05"))
    assert shown_window(days, D("2020-01-07")) == (D("2030-01-07"), D("2030-01-08"))
    # within three years of a pair, the as-of day makes that stretch the busier one
    assert shown_window(days, D("2029-06-04")) == (D("2029-06-04"), D("2030-01-08"))


def test_clip():
    window = (D("2024-03-04"), D("2024-03-29"))
    assert clip(D("1900-01-01"), D("2199-12-31"), window) == window
    assert clip(D("2024-03-10"), D("2024-03-12"), window) == (D("2024-03-10"), D("2024-03-12"))
    assert clip(D("2023-01-02"), D("2023-01-06"), window) is None
