#!/usr/bin/env python3
"""Synthetic sitegen content in the SPEC §1–4 format, for benchmarks.

    python bench/generate.py SIZE OUT_DIR [--seed N]

SIZE is one of small, large, xl (see SIZES). The output is a content folder
(site.yaml, team.yaml, one folder per project) that `sitegen check OUT_DIR
--as-of 2023-12-31` accepts without errors (warnings and notices are expected:
overdue tasks, missing/late reports, deviations ...). The same SIZE and seed
always give byte-identical files. OUT_DIR is replaced if it exists.
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# people, projects, tasks, reports (target), risks
SIZES: dict[str, dict[str, int]] = {
    "small": {"people": 10, "projects": 3, "tasks": 200, "reports": 2000, "risks": 30},
    "large": {"people": 50, "projects": 20, "tasks": 2000, "reports": 12500, "risks": 300},
    "xl": {"people": 500, "projects": 200, "tasks": 20000, "reports": 125000, "risks": 3000},
}

YEAR = 2023
AS_OF = date(2023, 12, 31)

# The real 2023 mainland-China holiday schedule (with make-up working days).
HOLIDAYS = [
    "2023-01-21..2023-01-27",
    "2023-04-05",
    "2023-04-29..2023-05-03",
    "2023-06-22..2023-06-24",
    "2023-09-29..2023-10-06",
]
MAKEUP_WORKDAYS = [
    "2023-01-28",
    "2023-01-29",
    "2023-04-23",
    "2023-05-06",
    "2023-06-25",
    "2023-10-07",
    "2023-10-08",
]

SURNAMES = [
    ("zhang", "张"),
    ("wang", "王"),
    ("li", "李"),
    ("zhao", "赵"),
    ("liu", "刘"),
    ("chen", "陈"),
    ("yang", "杨"),
    ("huang", "黄"),
    ("zhou", "周"),
    ("wu", "吴"),
    ("xu", "徐"),
    ("sun", "孙"),
    ("ma", "马"),
    ("zhu", "朱"),
    ("hu", "胡"),
    ("guo", "郭"),
    ("he", "何"),
    ("lin", "林"),
    ("gao", "高"),
    ("luo", "罗"),
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "晨",
    "悦",
    "思远",
    "子涵",
]
ROLES = [
    ("文案", ["文案", "策划"]),
    ("设计", ["设计", "短视频制作"]),
    ("视频制作", ["短视频制作", "拍摄"]),
    ("投放", ["投放", "数据分析"]),
    ("数据分析", ["数据分析", "调研"]),
    ("运营", ["运营", "文案"]),
    ("策划", ["策划", "调研"]),
]
CHANNELS = ["小红书", "抖音", "微博", "B站", "微信公众号", "视频号"]
MODULES = ["内容", "素材", "投放", "数据", "活动", "渠道"]
VERBS = ["撰写", "制作", "设计", "投放", "复盘", "整理", "策划", "优化", "审核", "拍摄"]
OBJECTS = [
    "短视频脚本",
    "封面图",
    "小红书笔记",
    "推文",
    "落地页",
    "活动海报",
    "投放计划",
    "数据周报",
    "达人名单",
    "品牌话术",
    "直播脚本",
    "用户调研问卷",
]
PROBLEMS = [
    "设计资源紧张",
    "素材审核延迟",
    "达人档期冲突",
    "数据口径不一致",
    "广告账号资质审核中",
    "需求临时变更",
    "预算审批未完成",
]
SOLUTIONS = [
    "协调设计部支持",
    "与法务提前沟通",
    "调整排期",
    "统一口径说明",
    "申请加急审核",
    "拆分任务并行推进",
    "请经理协调资源",
]
CAMPAIGNS = [
    "新品上市",
    "品牌焕新",
    "双十一预热",
    "618大促",
    "会员日",
    "秋季上新",
    "春节营销",
    "开学季",
    "周年庆",
    "跨界联名",
]


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def expand(spec: str) -> list[date]:
    if ".." in spec:
        a, b = (date.fromisoformat(x) for x in spec.split(".."))
        return [a + timedelta(days=i) for i in range((b - a).days + 1)]
    return [date.fromisoformat(spec)]


def working_days() -> list[date]:
    off = {d for spec in HOLIDAYS for d in expand(spec)}
    extra = {date.fromisoformat(d) for d in MAKEUP_WORKDAYS}
    day, days = date(YEAR, 1, 1), []
    while day.year == YEAR:
        if (day.weekday() < 5 and day not in off) or day in extra:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass
class Person:
    id: str
    name: str
    role: str
    skills: list[str]
    owned: list[Task] = field(default_factory=list)
    helping: list[Task] = field(default_factory=list)


@dataclass
class Task:
    id: str
    project: int
    n: int
    s: int  # index into the working-day list
    e: int
    owner: Person
    status: str
    collaborators: list[Person] = field(default_factory=list)
    progress: int = 0  # last reported cumulative progress


def distribute(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` near-equal positive counts, shuffled."""
    base, rest = divmod(total, parts)
    counts = [base + (1 if i < rest else 0) for i in range(parts)]
    rng.shuffle(counts)
    return counts


def generate(size: str, out: Path, seed: int) -> dict[str, int]:
    cfg = SIZES[size]
    rng = random.Random(f"{size}:{seed}")
    wd = working_days()
    wd_index = {d: i for i, d in enumerate(wd)}
    n_wd = len(wd)
    year_days = [date(YEAR, 1, 1) + timedelta(days=i) for i in range(365)]
    counts = {"files": 0, "projects": 0, "tasks": 0, "reports": 0, "risks": 0, "retros": 0}

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    def write(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        counts["files"] += 1

    # site.yaml ---------------------------------------------------------------
    write(
        "site.yaml",
        f"# Synthetic benchmark site ({size}, seed {seed}); generated by bench/generate.py\n"
        f"title: {q(f'市场部任务看板（基准测试 {size}）')}\n"
        "language: zh-CN\n"
        "timezone: Asia/Shanghai\n"
        "thresholds:\n"
        "  deviation: 0.20\n"
        "  max_concurrent: 5\n"
        '  report_deadline: "17:00"\n'
        "  brief_max_chars: 200\n"
        "calendar:\n"
        "  weekend: [sat, sun]\n"
        "  holidays:\n"
        + "".join(f'    - "{h}"\n' for h in HOLIDAYS)
        + "  workdays:\n"
        + "".join(f"    - {d}\n" for d in MAKEUP_WORKDAYS),
    )

    # team.yaml ---------------------------------------------------------------
    people: list[Person] = []
    lines = ["people:"]
    for i in range(cfg["people"]):
        sur_py, sur = SURNAMES[i % len(SURNAMES)]
        role, skills = ROLES[rng.randrange(len(ROLES))]
        person = Person(f"{sur_py}-{i + 1:03d}", sur + rng.choice(GIVEN), role, list(skills))
        people.append(person)
        lines += [
            f"  - id: {person.id}",
            f"    name: {person.name}",
            f"    role: {role}",
            f"    skills: [{', '.join(skills)}]",
        ]
        if rng.random() < 0.1:
            lines.append(f"    max_concurrent: {rng.choice([3, 4, 6])}")
    write("team.yaml", "\n".join(lines) + "\n")

    # projects and tasks --------------------------------------------------------
    n_projects = cfg["projects"]
    width = max(2, len(str(n_projects)))
    tasks_per = distribute(cfg["tasks"], n_projects, rng)
    risks_per = distribute(cfg["risks"], n_projects, rng)
    all_tasks: list[Task] = []
    project_tasks: dict[int, list[Task]] = {}
    folders: dict[int, str] = {}
    for p in range(1, n_projects + 1):
        folder = f"proj-{p:0{width}d}"
        folders[p] = folder
        counts["projects"] += 1
        ps = rng.randrange(0, n_wd // 2)
        pe = min(n_wd - 1, ps + rng.randrange(60, 160))
        owner = rng.choice(people)
        campaign = f"{rng.choice(CAMPAIGNS)}{rng.choice(CHANNELS)}推广第{p}期"
        kpis = []
        for k, (kid, name, unit, target) in enumerate(
            [
                ("exposure", "曝光量", "次", rng.randrange(5, 60) * 100000),
                ("engagement", "互动率", "%", rng.randrange(3, 9)),
                ("signups", "引导注册", "人", rng.randrange(5, 50) * 1000),
                ("sales", "成交额", "元", rng.randrange(10, 90) * 10000),
            ]
        ):
            if k < 2 or rng.random() < 0.5:
                kpis.append((f"k{p}-{kid}", name, unit, target))
        kpi_lines = "".join(
            f"  - {{id: {kid}, name: {name}, channel: {rng.choice(CHANNELS)}, "
            f'target: {target}, unit: "{unit}"}}\n'
            for kid, name, unit, target in kpis
        )
        write(
            f"{folder}/project.md",
            "---\n"
            f"title: {q(campaign)}\n"
            f"owner: {owner.id}\n"
            "acceptor: 市场部经理\n"
            f"start: {wd[ps]}\n"
            f"end: {wd[pe]}\n"
            f"background: {q('公司计划推出' + campaign + '，需提升品牌知名度并引导注册。')}\n"
            f"goal: {q('活动期内实现曝光与注册目标，互动率达到行业平均水平以上。')}\n"
            f"deliverable_standard: {q('短视频、图文笔记与推文若干，素材符合品牌VI规范。')}\n"
            f"budget: {rng.randrange(5, 50) * 10000}\n"
            f"kpis:\n{kpi_lines}"
            "---\n\n"
            f"{campaign}：按“项目—模块—子任务”三级拆解，责任人每日17:00前提交简报。\n",
        )

        # Tasks: starts sorted, so every dependency points to an earlier task.
        n_tasks = tasks_per[p - 1]
        starts = sorted(rng.randrange(ps, pe + 1) for _ in range(n_tasks))
        tasks: list[Task] = []
        for n, s in enumerate(starts, start=1):
            kind = "task"
            r = rng.random()
            if r < 0.03:
                kind = "milestone"
            elif r < 0.08:
                kind = "hidden"
            dur = (
                1
                if kind == "milestone"
                else (rng.randint(1, 5) if rng.random() < 0.8 else rng.randint(6, 10))
            )
            # Finish-to-start dependencies on earlier tasks that end before s.
            deps: list[Task] = []
            if tasks and rng.random() < 0.35:
                window = [t for t in tasks[-15:] if t.e < s]
                if window:
                    deps = rng.sample(window, min(len(window), rng.choice([1, 1, 2])))
            e = min(n_wd - 1, s + dur - 1)
            end_day = wd[e]
            owner_p = rng.choice(people)
            if end_day < date(YEAR, 12, 1):
                r = rng.random()
                status = "done" if r < 0.93 else ("cancelled" if r < 0.95 else "doing")
            else:
                r = rng.random()
                status = (
                    "doing"
                    if r < 0.6
                    else "todo"
                    if r < 0.85
                    else "blocked"
                    if r < 0.95
                    else "done"
                )
            task = Task(f"MKT-{p:0{width}d}-{n:04d}", p, n, s, e, owner_p, status)
            if rng.random() < 0.3:
                others = [x for x in rng.sample(people, min(3, len(people))) if x is not owner_p]
                task.collaborators = others[: rng.randint(1, 2)]
            parent = None
            if n > 3 and rng.random() < 0.2:
                parent = tasks[rng.randrange(len(tasks))]
            owner_p.owned.append(task)
            for c in task.collaborators:
                c.helping.append(task)
            tasks.append(task)

            verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
            fm = [
                "---",
                f"id: {task.id}",
                f"title: {q(f'{verb}{obj}（{rng.choice(CHANNELS)}）')}",
                f"owner: {owner_p.id}",
            ]
            if task.collaborators:
                fm.append("collaborators:")
                for c in task.collaborators:
                    if rng.random() < 0.5:
                        fm.append(f"  - {{person: {c.id}, role: {c.role}支持}}")
                    else:
                        fm.append(f"  - {c.id}")
            if rng.random() < 0.85:
                fm.append(f"priority: P{rng.choice([0, 1, 1, 2, 2, 2, 3])}")
            else:
                fm.append(f"urgent: {'true' if rng.random() < 0.5 else 'false'}")
                fm.append(f"important: {'true' if rng.random() < 0.5 else 'false'}")
            fm += [f"start: {wd[s]}", f"end: {end_day}", f"module: {rng.choice(MODULES)}"]
            if parent is not None:
                fm.append(f"parent: {parent.id}")
            if deps:
                fm.append(f"depends_on: [{', '.join(d.id for d in deps)}]")
            if rng.random() < 0.8:
                fm.append("deliverables:")
                fm.append(f"  - {q(f'{obj}{rng.randint(1, 10)}份')}")
            if rng.random() < 0.4:
                fm.append("resources:")
                fm.append(f"  - {rng.choice(['设计工具', '拍摄设备', '投放账号', '数据后台'])}")
            if rng.random() < 0.3:
                fm.append(f"budget: {rng.randrange(1, 50) * 500}")
            skill = (
                rng.choice(owner_p.skills)
                if rng.random() < 0.9
                else rng.choice(ROLES[rng.randrange(len(ROLES))][1])
            )
            fm.append(f"skills: [{skill}]")
            if kind != "task":
                fm.append(f"kind: {kind}")
            fm.append(f"status: {status}")
            fm.append(f"confirmed: {'false' if rng.random() < 0.05 else 'true'}")
            if kind == "task" and e - s >= 2 and rng.random() < 0.25:
                points = sorted(rng.sample(range(s, e + 1), 2))
                fm.append("plan:")
                fm.append(f"  {wd[points[0]]}: {rng.randrange(20, 60)}")
                fm.append(f"  {wd[points[1]]}: {100 if points[1] == e else rng.randrange(60, 100)}")
            fm.append("---")
            body = f"{verb}{obj}，用于{campaign}。交付前需经项目负责人确认，素材须符合品牌VI规范。"
            write(f"{folder}/tasks/{task.id}.md", "\n".join(fm) + "\n\n" + body + "\n")
            counts["tasks"] += 1
        project_tasks[p] = tasks
        all_tasks += tasks

        # Risks ---------------------------------------------------------------
        for r_n in range(1, risks_per[p - 1] + 1):
            rid = f"R-{p:0{width}d}-{r_n:03d}"
            raised = rng.randrange(ps, pe + 1)
            due = min(n_wd - 1, raised + rng.randrange(3, 15))
            status = rng.choice(["open", "in_progress", "resolved", "resolved", "已解决", "处理中"])
            problem = rng.choice(PROBLEMS)
            fm = [
                "---",
                f"id: {rid}",
                f"title: {q(problem + '可能影响交付')}",
                f"impact: {rng.choice(['high', 'medium', 'medium', 'low', '高', '中', '低'])}",
                f"owner: {rng.choice(people).id}",
                f"trigger: {q(problem + '持续超过3个工作日')}",
                f"response: {q(rng.choice(SOLUTIONS))}",
                f"status: {status}",
            ]
            if tasks:
                fm.append(
                    f"tasks: [{', '.join(t.id for t in rng.sample(tasks, min(2, len(tasks))))}]"
                )
            fm += [f"raised: {wd[raised]}", f"due: {wd[due]}"]
            if status in ("resolved", "已解决"):
                fm.append(f"resolved_on: {wd[min(n_wd - 1, raised + rng.randrange(1, 10))]}")
            fm.append("---")
            write(f"{folder}/risks/{rid}.md", "\n".join(fm) + f"\n\n{problem}，需持续跟踪。\n")
            counts["risks"] += 1

        # Retro for about a third of the projects ----------------------------------
        if rng.random() < 0.35:
            team_ids = sorted({t.owner.id for t in tasks[:20]} | {owner.id})[:8]
            actuals = [
                (kid, round(target * rng.uniform(0.6, 1.3), 1 if unit == "%" else None))
                for kid, _name, unit, target in kpis
            ]
            kl = "".join(f"  - {{id: {kid}, actual: {actual}}}\n" for kid, actual in actuals)
            write(
                f"{folder}/retro.md",
                "---\n"
                f"date: {wd[min(n_wd - 1, pe + 3)]}\n"
                f"owner: {owner.id}\n"
                f"participants: [{', '.join(team_ids)}]\n"
                f"kpis:\n{kl}"
                "successes:\n  - 素材提前完成，为投放预留缓冲时间\n"
                "improvements:\n  - 需求变更缺少评估流程\n"
                "actions:\n"
                "  - action: 制定需求变更管理流程\n"
                f"    owner: {owner.id}\n"
                f"    due: {wd[min(n_wd - 1, pe + 10)]}\n"
                "---\n\n目标基本达成，详见各渠道数据。\n",
            )
            counts["retros"] += 1

    # Reports: one person, one day; in the folder of the first entry's task. -----------
    per_person = distribute(cfg["reports"], len(people), rng)
    weekend_days = [d for d in year_days if d not in wd_index]
    for person, n_reports in zip(people, per_person, strict=False):
        mine = person.owned + person.helping
        if not mine:
            continue
        if n_reports <= n_wd:
            days = rng.sample(wd, n_reports)
        else:
            days = wd + rng.sample(weekend_days, min(len(weekend_days), n_reports - n_wd))
        days.sort()
        by_start = sorted(mine, key=lambda t: t.s)
        for day in days:
            pos = min(bisect.bisect_left(wd, day), n_wd - 1)  # the day or the next working day
            active = [t for t in by_start if t.s <= pos <= t.e]
            if not active:
                active = sorted(by_start, key=lambda t: min(abs(t.s - pos), abs(t.e - pos)))[:3]
            rng.shuffle(active)
            chosen = active[: rng.randint(1, min(3, len(active)))]
            entries = []
            for t in chosen:
                verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
                planned = rng.randint(1, 5)
                r = rng.random()
                actual = (
                    planned if r < 0.7 else (planned + 1 if r < 0.8 else rng.randint(0, planned))
                )
                ent = [
                    f"  - task: {t.id}",
                    f"    plan: {q(f'{verb}{obj}{planned}份')}",
                    f"    done: {q(f'完成{obj}{actual}份')}",
                    f"    planned: {planned}",
                    f"    actual: {actual}",
                ]
                if t.owner is person:
                    frac = (pos - t.s + 1) / (t.e - t.s + 1)
                    value = max(t.progress, min(100, int(100 * frac * rng.uniform(0.7, 1.1))))
                    if t.status == "done" and pos >= t.e:
                        value = 100
                    t.progress = value
                    ent.append(f"    progress: {value}")
                    if rng.random() < 0.75:
                        ent.append("    evidence:")
                        ent.append(f"      - https://drive.example.com/{t.id}/{day}.png")
                if actual < planned:
                    ent.append(f"    problem: {q(rng.choice(PROBLEMS))}")
                    ent.append(f"    solution: {q(rng.choice(SOLUTIONS))}")
                entries.append("\n".join(ent))
            first = chosen[0]
            r = rng.random()
            if r < 0.85:
                submitted = f"{day}T16:{rng.randrange(60):02d}:00+08:00"
            elif r < 0.95:
                submitted = f"{day}T{rng.randrange(17, 20)}:{rng.randrange(1, 60):02d}:00+08:00"
            else:
                submitted = None
            brief = (
                f"完成：{rng.choice(VERBS)}{rng.choice(OBJECTS)}。"
                f"问题：{rng.choice([*PROBLEMS, '无'])}。"
                f"计划：明天{rng.choice(VERBS)}{rng.choice(OBJECTS)}，"
                f"并跟进{rng.choice(CHANNELS)}渠道数据。"
            )
            assert len(brief) < 200
            text = (
                "---\n"
                f"date: {day}\n"
                f"author: {person.id}\n"
                + (f"submitted: {submitted}\n" if submitted else "")
                + "entries:\n"
                + "\n".join(entries)
                + "\n---\n\n"
                + brief
                + "\n"
            )
            write(f"{folders[first.project]}/reports/{day}-{person.id}.md", text)
            counts["reports"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.size, args.out, args.seed)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
