"""The benchmark's Markdown report: the machine, then one table per size, with each
row's ratio to Hugo, to sitegen's own full build or to `hugo server`."""

from __future__ import annotations

import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from children import AS_OF, REPO, Run
from hugo import HUGO


@dataclass
class Row:
    label: str
    runs: list[Run] = field(default_factory=list)
    pages: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.rc == 0 for r in self.runs)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs) if self.runs else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs) if self.runs else float("nan")

    @property
    def system(self) -> float:
        return statistics.median(r.system for r in self.runs) if self.runs else float("nan")

    @property
    def spread(self) -> str:
        if len(self.runs) < 2:
            return ""
        return f"{min(r.seconds for r in self.runs):.2f}–{max(r.seconds for r in self.runs):.2f}"

    @property
    def rss_mib(self) -> float:
        return max(r.rss_kib for r in self.runs) / 1024 if self.runs else float("nan")


@dataclass
class SizeResult:
    size: str
    content: Path
    gen_seconds: float | None
    inputs: tuple[int, int, int]
    rows: dict[str, Row]
    findings: dict[str, int]
    problems: list[str]


def machine() -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    try:
        hugo = subprocess.run([HUGO, "version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        hugo = "not found"
    sitegen_version = "?"
    try:
        from importlib.metadata import version

        sitegen_version = version("sitegen")
    except Exception:
        pass
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "sitegen", "themes"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MiB"
    except OSError:
        pass
    load = (
        " ".join(Path("/proc/loadavg").read_text().split()[:3])
        if Path("/proc/loadavg").exists()
        else "?"
    )
    return [
        f"- load average when the report was written (1/5/15 min): {load}"
        " (other processes share this machine; compare rows of one run, not runs)",
        f"- machine: nproc={nproc}, CPU: {cpu}, RAM: {mem}, "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ({sys.executable})",
        f"- {hugo}",
        f"- sitegen {sitegen_version}, git {head}"
        + (
            f" + {len(dirty.splitlines())} uncommitted file(s) in sitegen/ or themes/"
            if dirty
            else ""
        ),
    ]


def fmt_ratio(a: float, b: float) -> str:
    if not (a == a and b == b) or b == 0:  # NaN checks
        return "n/a"
    ratio = a / b
    return f"{ratio:.2f}×" if ratio < 0.1 else f"{ratio:.1f}×"


def render(
    results: list[SizeResult], repeat: int, order: Sequence[str], rev: str | None = None
) -> str:
    """The report of ``results``; ``order``: the rows' keys, in the order of the xl / large
    table."""
    what = (
        f"- sitegen under test: git {rev[:7]} (exported with git archive when the run began;"
        " the line above is the checkout's state when it ended)"
        if rev
        else f"- sitegen under test: the `sitegen` installed beside {sys.executable}"
    )
    out = [
        "# sitegen benchmark",
        "",
        *machine(),
        what,
        f"- --as-of {AS_OF}; median of {repeat} run(s);"
        " peak RSS = max over runs of the child's own ru_maxrss from os.wait4();"
        " CPU = median of the child's user + system time (with the workers it waited"
        " for), which other processes on the machine disturb less than the wall clock;"
        " in brackets, the median of its system time alone: on this machine creating"
        " a file cost the kernel 0.03–0.5 ms (more for a bigger one), varying from run to run",
        "",
    ]
    by_size = {r.size: r for r in results}
    for res in results:
        rows = res.rows
        files, md, size = res.inputs
        gen = (
            f", generated in {res.gen_seconds:.1f}s" if res.gen_seconds is not None else " (cached)"
        )
        out += [
            f"## {res.size}",
            "",
            f"Input: {files} files ({md} Markdown), {size / 1e6:.1f} MB, "
            f"`{res.content.relative_to(REPO)}`{gen}."
            + (
                " Findings (check): "
                + ", ".join(f"{v} {k}" for k, v in sorted(res.findings.items()))
                if res.findings
                else ""
            ),
            "",
            "| measurement | seconds (median) | min–max | CPU s | peak RSS MiB | output | ratio |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        hugo = rows.get("hugo")
        hugo_s = hugo.median if hugo and hugo.ok else float("nan")
        hugo_m = hugo.rss_mib if hugo and hugo.ok else float("nan")
        hugo_cpu = hugo.cpu if hugo and hugo.ok else float("nan")
        full = rows.get("full")
        full_s = full.median if full and full.ok else float("nan")
        for key, row in rows.items():
            ratio = ""
            if not row.ok:
                pass
            elif key == "full":
                time_ratio = fmt_ratio(row.median, hugo_s)
                ratio = (
                    f"{time_ratio} Hugo full (CPU {fmt_ratio(row.cpu, hugo_cpu)});"
                    f" mem {fmt_ratio(row.rss_mib, hugo_m)} Hugo"
                )
            elif key in ("noop", "task", "history", "commit"):
                ratio = f"{fmt_ratio(row.median, full_s)} of own full build"
            elif key in ("report", "report-again"):
                ratio = (
                    f"{fmt_ratio(row.median, hugo_s)} Hugo full; "
                    f"{fmt_ratio(row.median, full_s)} of own full build"
                )
            elif key.startswith("serve") and "hugo-serve" in rows:
                live = rows["hugo-serve"]
                ratio = (
                    f"{fmt_ratio(row.median, live.median)} hugo server"
                    f" (CPU {fmt_ratio(row.cpu, live.cpu)})"
                )
            elif key == "floor" and full_s == full_s:
                ratio = f"sitegen full = {fmt_ratio(full_s, row.median)} floor"
            secs = f"{row.median:.2f}" if row.ok else f"FAILED (rc {row.runs[-1].rc})"
            label = row.label + (f" ({row.note})" if row.note else "")
            cpu = f"{row.cpu:.2f}" if row.ok else ""
            if row.ok and row.system == row.system:  # not NaN: a fresh process's own
                cpu += f" ({row.system:.2f})"
            out.append(
                f"| {label} | {secs} | {row.spread} | {cpu} | {row.rss_mib:.0f} | {row.pages}"
                f" | {ratio} |"
            )
        out.append("")
        if res.problems:
            out += ["Problems:", "", *res.problems, ""]
    if "large" in by_size and "xl" in by_size:
        out += [
            "## xl / large",
            "",
            "| measurement | large s | xl s | xl/large | CPU xl/large |",
            "|---|---:|---:|---:|---:|",
        ]
        for key in order:
            a, b = by_size["large"].rows.get(key), by_size["xl"].rows.get(key)
            if a and b and a.ok and b.ok:
                growth, cpu_growth = fmt_ratio(b.median, a.median), fmt_ratio(b.cpu, a.cpu)
                out.append(
                    f"| {a.label} | {a.median:.2f} | {b.median:.2f} | {growth} | {cpu_growth} |"
                )
        out.append("")
    return "\n".join(out)
