"""Findings: what the build has to say about the content, with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


ERROR_CODES = frozenset(
    {"parse", "field", "duplicate-id", "unknown-ref", "cycle", "dates", "unsafe-id"}
)
# The guide's rules, in the order of SPEC §6; the measures page explains each.
WARNING_CODES = (
    "deviation", "schedule-deviation", "overload", "overdue", "stale", "dependency-order",
    "late-report", "missing-report", "brief-too-long", "unconfirmed", "skill-mismatch",
    "open-high-risk", "outside-parent",
    # History (SPEC §9)
    "slipped", "report-edited", "backdated-report",
)  # fmt: skip
# Warnings about the content itself rather than the work; the measures page lists them after
# the rules. A misspelt key silently drops what it says, so `--strict` must stop it.
CONTENT_WARNING_CODES = ("unknown-key", "long-span")
RULE_NOTICE_CODES = (
    "no-evidence", "no-deliverable", "too-coarse", "non-working-day", "replanned", "no-history",
)  # fmt: skip
# How people file their daily reports; they name the person (see `sitegen.content.public`).
REPORT_DISCIPLINE_CODES = frozenset(
    {"late-report", "missing-report", "brief-too-long", "report-edited", "backdated-report"}
)
# A file read otherwise than written (UTF-16, control characters), or not read (too large).
READ_NOTICE_CODES = ("encoding", "control-char", "too-large")
NOTICE_CODES = frozenset({*RULE_NOTICE_CODES, *READ_NOTICE_CODES})
_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    fingerprint_memo = False  # digested through its alert only (see Fingerprinter)
    code: str
    severity: Severity
    file: str
    line: int
    message: str
    # Internal links to the things the finding is about; not part of the exported contract.
    project: str | None = None
    task: str | None = None
    person: str | None = None
    day: str | None = None

    def export(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }

    def sort_key(self) -> tuple[object, ...]:
        return (_SEVERITY_ORDER[self.severity], self.file, self.line, self.code, self.message)


def severity_of(code: str) -> Severity:
    if code in ERROR_CODES:
        return Severity.ERROR
    if code in NOTICE_CODES:
        return Severity.NOTICE
    return Severity.WARNING


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)


def fails(findings: list[Finding], strict: bool) -> bool:
    """Whether these findings fail a build or check: errors, or with --strict warnings too."""
    failing = (Severity.ERROR, Severity.WARNING) if strict else (Severity.ERROR,)
    return any(f.severity in failing for f in findings)
