"""Chart geometry, the load status rule, "my week" and "this week vs last", worked by
hand (sitegen/site/pages/charts.py, myweek.py, weekcompare.py, chartdata.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import partial
from types import SimpleNamespace

import pytest

from sitegen.content.choices import Priority, TaskStatus
from sitegen.engine.compute import TaskState
from sitegen.engine.history.trend import TrendPoint
from sitegen.engine.workdays import WorkCalendar
from sitegen.engine.workload import Load
from sitegen.site.pages.chartdata import baseline_curve, days_ahead, planned_curve
from sitegen.site.pages.charts import (
    CELL,
    CURVE_FRAME,
    Frame,
    coord,
    heat_days,
    heat_level,
    load_heatmap,
    polylines,
    s_curve,
    week_ticks,
)
from sitegen.site.pages.myweek import LoadLevel, load_state, my_week
from sitegen.site.pages.weekcompare import (
    Change,
    WeekFigures,
    compare,
    overall_progress,
    resolved_alerts,
)

D = date
F = Fraction
SQUARE = Frame(width=100, height=100, left=0, right=0, top=0, bottom=0)


# ---- S-curve


def test_frame_places_points_evenly_and_percentages_upside_down():
    # CURVE_FRAME: plot 640 − 46 − 16 = 578 wide, 220 − 12 − 34 = 174 high
    assert CURVE_FRAME.plot_width == 578 and CURVE_FRAME.plot_height == 174
    assert [CURVE_FRAME.x(i, 3) for i in range(3)] == [46, 335, 624]
    assert CURVE_FRAME.y(0) == 186 and CURVE_FRAME.y(50) == 99 and CURVE_FRAME.y(100) == 12
    assert CURVE_FRAME.y(130) == 12 and CURVE_FRAME.y(-5) == 186  # clamped to the plot
    assert SQUARE.x(0, 1) == 50  # one point: centred


def test_coordinates_keep_one_decimal_at_most():
    assert coord(12.0) == "12" and coord(33.333) == "33.3" and coord(66.66) == "66.7"


def test_a_missing_value_breaks_the_line_instead_of_dropping_to_zero():
    values = [F(0), None, F(50), F(100)]
    assert polylines(values, SQUARE) == ("0,100", "66.7,50 100,0")
    assert polylines([None, None], SQUARE) == ()


def test_date_labels_start_each_week_and_keep_their_distance():
    days = [D(2023, 7, d) for d in (6, 7, 10, 11, 17)]  # Thu, Fri, Mon, Tue, Mon
    # x = 0, 25, 50, 75, 100: labels on the first day and each week's first day
    assert week_ticks(days, SQUARE, min_gap=10) == ((days[0], 0), (days[2], 50), (days[4], 100))
    # a label closer than 60 to the one before it is left out
    assert week_ticks(days, SQUARE, min_gap=60) == ((days[0], 0), (days[4], 100))


def test_s_curve_draws_the_trend_then_the_plan_ahead():
    points = [
        TrendPoint(D(2023, 7, 3), F(0), F(0)),
        TrendPoint(D(2023, 7, 4), F(20), F(10)),
    ]
    ahead = [(D(2023, 7, 5), F(60)), (D(2023, 7, 6), F(100))]
    curve = s_curve(points, SQUARE, baseline=[F(0), F(25), F(50), F(100)], ahead=ahead)
    assert curve is not None
    # four days at x = 0, 33.3, 66.7, 100; actual only as far as the trend goes
    assert curve.planned == ("0,100 33.3,80 66.7,40 100,0",)
    assert curve.actual == ("0,100 33.3,90",)
    assert curve.baseline == ("0,100 33.3,75 66.7,50 100,0",)
    assert curve.last == points[-1] and round(curve.last_x, 1) == 33.3
    assert curve.last_actual_y == 90 and curve.end == D(2023, 7, 6)
    # a baseline that does not cover every day drawn is left out
    assert s_curve(points, SQUARE, baseline=[F(0)]).baseline == ()  # type: ignore[union-attr]
    assert s_curve([], SQUARE) is None


def test_planned_curve_weighs_tasks_by_their_working_days():
    calendar = WorkCalendar()
    # T1 Mon 3 – Wed 5 July (3 working days), T2 Thu 6 – Fri 7 (2), no plan points
    tasks = [(D(2023, 7, 3), D(2023, 7, 5), ()), (D(2023, 7, 6), D(2023, 7, 7), ())]
    days = [D(2023, 7, 3), D(2023, 7, 4), D(2023, 7, 6), D(2023, 7, 7)]
    # 7-03: (3·⅓·100)/5 = 20; 7-04: (3·⅔·100)/5 = 40; 7-06: (300 + 2·½·100)/5 = 80
    assert planned_curve(tasks, days, calendar) == [F(20), F(40), F(80), F(100)]
    # a plan point: T1 at 50 % on its first day
    planned = ((D(2023, 7, 3), Decimal(50)), (D(2023, 7, 5), Decimal(100)))
    first = planned_curve([(D(2023, 7, 3), D(2023, 7, 5), planned)], days[:1], calendar)
    assert first == [F(50)]
    assert planned_curve([], days, calendar) == []


def test_the_baseline_leaves_out_tasks_added_after_it():
    calendar = WorkCalendar()
    schedule = SimpleNamespace(first_day=D(2023, 7, 3), end=D(2023, 7, 4), plan=())
    task = SimpleNamespace(
        id="T1", parent=None, kind=SimpleNamespace(value="task"), status=None, end=D(2023, 7, 4)
    )
    later = SimpleNamespace(
        id="T2", parent=None, kind=SimpleNamespace(value="task"), status=None, end=D(2023, 7, 4)
    )
    baselines = {
        "T1": SimpleNamespace(baseline=schedule, added_after_baseline=False),
        "T2": SimpleNamespace(baseline=schedule, added_after_baseline=True),
    }
    days = [D(2023, 7, 3), D(2023, 7, 4)]
    assert baseline_curve([task, later], baselines, days, calendar) == [F(50), F(100)]  # type: ignore[arg-type]
    assert baseline_curve([task], {}, days, calendar) == []  # type: ignore[arg-type]


def test_days_ahead_run_to_the_last_end_over_working_days_only():
    calendar = WorkCalendar(holidays=frozenset({D(2023, 7, 6)}))
    task = SimpleNamespace(
        id="T1",
        parent=None,
        kind=SimpleNamespace(value="task"),
        status=None,
        first_day=D(2023, 7, 3),
        end=D(2023, 7, 10),
        plan=None,
    )
    # working days 3, 4, 5, 7, 10 July (6th a holiday, 8–9 the weekend): 5 in all
    ahead = days_ahead([task], D(2023, 7, 5), calendar)  # type: ignore[list-item]
    assert ahead == [(D(2023, 7, 7), F(80)), (D(2023, 7, 10), F(100))]


# ---- load heatmap


@pytest.mark.parametrize(
    ("count", "limit", "level"),
    [(0, 5, 0), (1, 5, 1), (2, 5, 2), (3, 5, 2), (4, 5, 3), (5, 5, 3), (6, 5, 4), (1, 2, 2)],
)
def test_heat_levels_are_thirds_of_the_limit_and_over_it(count, limit, level):
    # ⌈3·count/limit⌉: 3/5 → 1, 6/5 → 2, 9/5 → 2, 12/5 → 3, 15/5 → 3; 3/2 → 2
    assert heat_level(count, limit) == level


def test_heat_days_start_the_week_before_and_reach_the_last_busy_day():
    calendar = WorkCalendar()
    working = list(calendar.days(D(2023, 6, 1), D(2023, 9, 30)))
    as_of = D(2023, 7, 20)  # a Thursday: from Monday 10 July
    days = heat_days(working, as_of, last_busy=D(2023, 8, 18))
    assert days[0] == D(2023, 7, 10) and days[-1] == D(2023, 8, 18) and len(days) == 30
    # nothing busy later: two weeks after the as-of day
    assert heat_days(working, as_of, last_busy=None)[-1] == D(2023, 8, 3)
    assert len(heat_days(working, as_of, D(2023, 9, 30), limit=10)) == 10


def test_heatmap_skips_holidays_marks_make_up_days_and_over_the_limit():
    # Mon 2 Oct is a holiday, Sat 7 Oct a make-up working day
    calendar = WorkCalendar(
        holidays=frozenset({D(2023, 10, 2)}), workdays=frozenset({D(2023, 10, 7)})
    )
    days = list(calendar.days(D(2023, 10, 2), D(2023, 10, 9)))
    assert days == [D(2023, 10, d) for d in (3, 4, 5, 6, 7, 9)]
    load = Load({D(2023, 10, 3): ("A",), D(2023, 10, 7): ("A", "B", "C")}, limit=2)
    heat = load_heatmap([("li", "李四", load)], days, calendar.workdays, D(2023, 10, 4))
    assert heat is not None
    columns = heat.columns
    # cells 24 wide from x = 96; 4 more between two weeks (Mon 9 Oct starts one)
    assert [c.x for c in columns] == [96, 120, 144, 168, 192, 220]
    assert [c.week_start for c in columns] == [True, False, False, False, False, True]
    assert [c.makeup for c in columns] == [False, False, False, False, True, False]
    assert heat.today_x == 120 + CELL / 2
    (row,) = heat.rows
    assert [(c.count, c.level, c.over) for c in row.cells] == [
        (1, 2, False),
        (0, 0, False),
        (0, 0, False),
        (0, 0, False),
        (3, 4, True),
        (0, 0, False),
    ]
    assert row.over_days == 1 and row.y == 34
    assert heat.width == 220 + 24 + 4 and heat.height == 34 + 24 + 4
    assert load_heatmap([], days) is None


# ---- load status and my week


def state(task_id, end, priority="P1", deviation=None, status=TaskStatus.DOING, confirmed=True):
    found = SimpleNamespace(
        task=SimpleNamespace(id=task_id, end=end, confirmed=confirmed),
        priority=Priority(priority),
        schedule_deviation=deviation,
        status=status,
        is_open=status not in (TaskStatus.DONE, TaskStatus.CANCELLED),
        is_leaf=True,
    )
    found.late_or_behind = partial(TaskState.late_or_behind, found)  # the model's own rule
    return found


AS_OF = D(2023, 7, 20)  # a Thursday
EASY = Load({AS_OF: ("A",)}, limit=5)
BUSY = Load({AS_OF: ("A", "B", "C")}, limit=2)


def test_an_overdue_p0_at_minus_half_is_at_risk_not_ok():
    p0 = state("A", D(2023, 7, 18), "P0", F(-1, 2))
    found = load_state(EASY, [p0], AS_OF, Decimal("0.2"))
    assert found.level is LoadLevel.AT_RISK and found.key == "at-risk"
    (reason,) = found.reasons
    assert (reason.code, reason.task, reason.overdue_days, reason.deviation) == (
        "p0-late",
        "A",
        2,
        F(-1, 2),
    )


def test_load_status_order_of_the_rules():
    threshold = Decimal("0.2")
    on_time = state("A", D(2023, 7, 25), "P0", F(-1, 10))  # behind, but less than 20 %
    late_p1 = state("B", D(2023, 7, 19), "P1")
    done_late = state("C", D(2023, 7, 1), "P0", status=TaskStatus.DONE)
    assert load_state(EASY, [on_time, done_late], AS_OF, threshold).level is LoadLevel.OK
    assert load_state(EASY, [late_p1], AS_OF, threshold).level is LoadLevel.WATCH
    busy = load_state(BUSY, [late_p1], AS_OF, threshold)
    assert busy.level is LoadLevel.OVERLOADED
    assert [r.code for r in busy.reasons] == ["overload", "late"]
    assert (busy.reasons[0].peak, busy.reasons[0].limit) == (3, 2)
    behind_p0 = state("D", D(2023, 7, 28), "P0", F(-1, 5))  # exactly −20 %: an alert
    worst = load_state(BUSY, [late_p1, behind_p0], AS_OF, threshold)
    assert worst.level is LoadLevel.AT_RISK
    assert [r.code for r in worst.reasons] == ["p0-late", "overload", "late"]


def test_my_week_sorts_open_tasks_into_due_overdue_and_unconfirmed():
    tasks = [
        state("late", D(2023, 7, 19)),
        state("today", AS_OF),
        state("sunday", D(2023, 7, 23), confirmed=False),
        state("next-week", D(2023, 7, 24)),
        state("done", D(2023, 7, 21), status=TaskStatus.DONE),
    ]
    week = my_week(tasks, AS_OF)  # type: ignore[arg-type]
    assert (week.monday, week.sunday) == (D(2023, 7, 17), D(2023, 7, 23))
    assert [s.task.id for s in week.due] == ["today", "sunday"]
    assert [s.task.id for s in week.overdue] == ["late"]
    assert [s.task.id for s in week.unconfirmed] == ["sunday"]
    assert not week.empty and my_week([], AS_OF).empty


# ---- this week vs last


def test_changes_say_better_or_worse_by_what_more_means():
    this = WeekFigures(F(391, 10), 2, 4, 2)
    last = WeekFigures(F(223, 10), 0, 3, 2)
    changes = {c.key: c for c in compare(this, last)}
    assert changes["progress"].delta == F(168, 10) and changes["progress"].points == 16.8
    assert changes["progress"].direction == "better"
    assert changes["finished"].direction == "better" and changes["finished"].delta == 2
    assert changes["new_alerts"].direction == "worse"  # more alerts is worse
    assert changes["resolved"].direction == "same"
    first = {c.key: c for c in compare(this, None)}
    assert first["finished"].delta is None and first["finished"].direction == "same"
    assert Change("progress", None, F(5)).points is None


def test_overall_progress_weighs_projects_by_their_work():
    trends = {
        "a": [TrendPoint(D(2023, 7, 3), F(10), F(20)), TrendPoint(D(2023, 7, 10), F(50), F(40))],
        "b": [TrendPoint(D(2023, 7, 10), F(10), F(10))],
        "empty": [],
    }
    weights = {"a": 3, "b": 1, "empty": 9}
    assert overall_progress(trends, weights, D(2023, 7, 1)) is None  # nothing begun
    assert overall_progress(trends, weights, D(2023, 7, 7)) == 20  # only a, at 20
    assert overall_progress(trends, weights, D(2023, 7, 14)) == F(130, 4)  # (3·40 + 10)/4


def test_alerts_resolved_in_a_week_were_raised_before_it():
    def alert(day, task=None, file="x.md"):
        return SimpleNamespace(finding=SimpleNamespace(day=day, task=task, file=file))

    alerts = [
        alert("2023-07-12", task="A"),  # raised last week, A finished this week: resolved
        alert("2023-07-18", task="A"),  # raised this week: new, not resolved
        alert("2023-07-12", task="B"),  # B still open
        alert(None, file="risks/R-01.md"),  # an undated risk alert, the risk resolved
    ]
    monday = D(2023, 7, 17)
    found = resolved_alerts(alerts, monday, frozenset({"A"}), frozenset({"risks/R-01.md"}))  # type: ignore[arg-type]
    assert found == 2
