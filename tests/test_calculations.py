"""The SPEC §5 numbers, as pure functions, against hand-worked values."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from sitegen.content.validate import find_cycles
from sitegen.content.window import clip, shown_window
from sitegen.engine import metrics
from sitegen.engine.schedule import total_float
from sitegen.engine.workdays import WorkCalendar
from sitegen.engine.workload import Span, daily_load, day_runs

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


some_days = st.frozensets(st.dates(min_value=D("2023-09-01"), max_value=D("2023-11-30")))


@given(
    st.frozensets(st.integers(min_value=0, max_value=6), max_size=6),
    some_days,
    some_days,
    st.dates(min_value=D("2023-08-01"), max_value=D("2023-12-31")),
    st.integers(min_value=0, max_value=120),
)
def test_count_agrees_with_walking_on_any_calendar(weekend, holidays, workdays, first, length):
    calendar = WorkCalendar(weekend=weekend, holidays=holidays, workdays=workdays)
    last = first + timedelta(days=length)
    assert calendar.count(first, last) == len(list(calendar.days(first, last)))


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


def test_numbers_written_with_an_exponent_are_shown_plainly():
    from sitegen.content.model import TaskDoc

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


@given(st.text())
def test_a_text_never_has_more_characters_than_code_points(text: str) -> None:
    # What lets a brief of at most `limit` code points skip counting (brief_over_limit).
    assert metrics.characters(text) <= len(text)


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


# ---------------------------------------------------------------- progress of a whole


def _task(task_id: str, start: str, end: str, **fields: object):
    from sitegen.content.model import TaskDoc

    return TaskDoc.model_validate(
        {"id": task_id, "title": task_id, "owner": "a", "start": start, "end": end, **fields}
    )


def test_an_open_task_past_its_start_with_no_report_is_at_zero():
    # No report is no evidence of progress: planned 80% against actual 0 is −100.0%.
    assert metrics.actual_progress([], D("2023-07-12"), done=False, started=True) == 0
    assert metrics.percent(metrics.deviation(Fraction(0), 80)) == -100.0
    assert metrics.actual_progress([], D("2023-07-12"), done=False, started=False) is None
    assert metrics.actual_progress([], D("2023-07-12"), done=True, started=True) == 100


def test_project_progress_weighs_leaf_tasks_by_working_days():
    from sitegen.engine.progress import project_progress

    tasks = [
        _task("A", "2023-07-03", "2023-07-07"),  # 5 days, 3 elapsed on Wed 5th: 60
        _task("B", "2023-07-03", "2023-07-14"),  # 10 days, 3 elapsed: 30
        _task("C", "2023-07-10", "2023-07-12", parent="P"),  # 3 days, not started: 0
        _task("P", "2023-07-03", "2023-07-14"),  # C's parent: a summary, not counted
        _task("M", "2023-07-07", "2023-07-07", kind="milestone"),
        _task("X", "2023-07-03", "2023-07-07", status="cancelled"),
    ]
    actual = {"A": Fraction(100), "B": Fraction(20), "X": Fraction(100), "P": Fraction(90)}
    progress = project_progress(tasks, D("2023-07-05"), PLAIN, actual.get)
    # planned (5 × 60 + 10 × 30 + 3 × 0) / 18 = 600/18; actual (5 × 100 + 10 × 20 + 0) / 18
    assert progress.planned == Fraction(100, 3)
    assert progress.actual == Fraction(350, 9)
    assert (metrics.percent(progress.planned / 100), metrics.percent(progress.actual / 100)) == (
        33.3,
        38.9,
    )
    # the guide's sample on 20 July: durations 5, 7, 9, 11, 5, 3 (M1 a milestone) = 40;
    # planned (5 × 100 + 7 × 100 + 9 × 200/9 + 11 × 200/11 + 0 + 0) / 40 = 1600/40
    sample = [
        _task("01", "2023-07-01", "2023-07-07"),
        _task("02", "2023-07-08", "2023-07-18", plan={"2023-07-10": 40, "2023-07-18": 100}),
        _task("03", "2023-07-19", "2023-07-31"),
        _task("04", "2023-07-19", "2023-08-02"),
        _task("05", "2023-07-26", "2023-08-01"),
        _task("06", "2023-07-26", "2023-07-28"),
        _task("M1", "2023-07-18", "2023-07-18", kind="milestone"),
    ]
    on_20th = project_progress(sample, D("2023-07-20"), PLAIN, {"01": 100, "02": 90}.get)
    assert on_20th.planned == 40
    assert on_20th.actual == Fraction(5 * 100 + 7 * 90, 40)  # 28.25 → 28.3
    assert metrics.percent(on_20th.actual / 100) == 28.3


def test_nothing_to_weigh_is_no_progress():
    from sitegen.engine.progress import project_progress, weighted_mean

    only = [_task("M", "2023-07-07", "2023-07-07", kind="milestone")]
    progress = project_progress(only, D("2023-07-10"), PLAIN, {}.get)
    assert (progress.planned, progress.actual, progress.deviation) == (None, None, None)
    assert weighted_mean([(5, 100), (7, 40)]) == 65  # the measures page's example
    assert weighted_mean([(0, 100)]) is None


def test_a_parents_leaves_and_status_come_from_its_subtasks():
    from sitegen.content.choices import TaskStatus as S
    from sitegen.engine.compute import summary_status
    from sitegen.engine.progress import leaves_under

    children = {"P": ["C", "Q"], "Q": ["R", "S"], "L1": ["L2"], "L2": ["L1"]}
    assert leaves_under(children, "P") == ["C", "R", "S"]
    assert leaves_under(children, "C") == []
    assert leaves_under(children, "L1") == []  # a loop of parents ends in no leaf
    assert summary_status([S.TODO, S.TODO]) is S.TODO
    assert summary_status([S.DONE, S.TODO]) is S.DOING
    assert summary_status([S.BLOCKED, S.TODO]) is S.DOING
    assert summary_status([S.DONE, S.CANCELLED]) is S.DONE
    assert summary_status([S.CANCELLED, S.CANCELLED]) is S.CANCELLED


def test_report_findings_count_for_the_last_working_days():
    from sitegen.engine.health import report_window_start

    # five working days up to Monday 9 October: 9, 8 (Sunday, made up), 7 (Saturday,
    # made up), then 28 and 27 September across the National Day week
    assert report_window_start(D("2023-10-09"), NATIONAL_DAY, 5) == D("2023-09-27")
    # on a day off the window ends on the working day before it
    assert report_window_start(D("2023-09-30"), NATIONAL_DAY, 5) == D("2023-09-22")
    assert report_window_start(D("2023-07-20"), PLAIN, 1) == D("2023-07-20")
