"""Where build output goes: the terminal, a JSON document, or a buffer in tests."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import TextIO

from sitegen.core.findings import Finding, Severity
from sitegen.core.i18n import Messages


class Reporter:
    """Receives what a build has to say; subclasses decide how to show it."""

    def findings(self, findings: list[Finding]) -> None:
        raise NotImplementedError

    def failed(self, warnings_only: bool = False) -> None:
        """The build wrote nothing: errors, or (``warnings_only``, with --strict) warnings."""

    def built(self, out: Path, files: int, unchanged: int = 0) -> None:
        pass

    def output_failed(self, message: str) -> None:
        """OUT could not be written; ``message`` says why and what to do."""


class BufferedReporter(Reporter):
    """Keeps everything, for tests and for the preview server's error page."""

    def __init__(self) -> None:
        self.reported: list[Finding] = []
        self.did_fail = False
        self.written: tuple[Path, int] | None = None
        self.output_problems: list[str] = []

    def findings(self, findings: list[Finding]) -> None:
        self.reported.extend(findings)

    def failed(self, warnings_only: bool = False) -> None:
        self.did_fail = True

    def built(self, out: Path, files: int, unchanged: int = 0) -> None:
        self.written = (out, files)
        self.unchanged = unchanged

    def output_failed(self, message: str) -> None:
        self.did_fail = True
        self.output_problems.append(message)


def format_text(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}: {finding.severity}[{finding.code}]: {finding.message}"


def _escape_annotation(text: str, in_property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if in_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(finding: Finding, prefix: str = "") -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(finding.severity, "notice")
    file = _escape_annotation(prefix + finding.file, in_property=True)
    title = _escape_annotation(finding.code, in_property=True)
    message = _escape_annotation(finding.message)
    return f"::{level} file={file},line={finding.line},title={title}::{message}"


class ConsoleReporter(Reporter):
    """Compiler-style lines on stderr, a summary, and the output folder on success, in
    the site's language."""

    def __init__(
        self,
        stream: TextIO | None = None,
        style: str = "text",
        prefix: str = "",
        language: str = "en",
    ) -> None:
        self.stream = stream or sys.stderr
        self.style = style
        self.prefix = prefix
        self.msg = Messages(language, kind="authoring")

    def findings(self, findings: list[Finding]) -> None:
        if self.style == "json":
            payload = {"findings": [f.export() for f in findings]}
            self.stream.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
            return
        format_line = (
            format_text if self.style != "github" else partial(format_github, prefix=self.prefix)
        )
        if findings:  # one write: a large site can have thousands of findings
            self.stream.write("".join(format_line(f) + "\n" for f in findings))
        if self.style == "text":
            counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
            summary = self.msg.join(
                [self.msg(f"report.{s.value}s", count=n) for s, n in counts.items()]
            )
            self.stream.write(f"{summary}\n")

    def failed(self, warnings_only: bool = False) -> None:
        if self.style == "text":
            key = "report.failed.warnings" if warnings_only else "report.failed"
            self.stream.write(self.msg(key) + "\n")

    def built(self, out: Path, files: int, unchanged: int = 0) -> None:
        if self.style == "text":
            kept = self.msg("report.unchanged", count=unchanged) if unchanged else ""
            self.stream.write(self.msg("report.built", count=files, out=out, kept=kept) + "\n")

    def output_failed(self, message: str) -> None:
        self.stream.write(message + "\n")
