"""The `sitegen` command line (SPEC §7)."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import click

from sitegen import __version__
from sitegen.options import CONTENT_DIR, as_of_option, no_history_option

# Files every build writes into OUT (SPEC §8): a folder without them was not made by sitegen.
SITE_FILES = ("index.html", "status.json", "feed.xml", "calendar.ics")

strict_option = click.option("--strict", is_flag=True, help="Fail on warnings too.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """Compile Markdown task, report and risk files into a static status site."""


@main.command()
@click.argument("content", type=CONTENT_DIR, default="content")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default="public",
    show_default=True,
    help="Output folder.",
)
@as_of_option
@strict_option
@click.option(
    "--public",
    "public",
    is_flag=True,
    help="Leave out items marked internal and all budget figures.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Pages rendered in parallel (default: one process per CPU).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Render every page again, not only those whose inputs changed since the last build.",
)
@no_history_option
def build(
    content: Path,
    output: Path,
    as_of: date | None,
    strict: bool,
    public: bool,
    jobs: int | None,
    full: bool,
    no_history: bool,
) -> None:
    """Build the site from CONTENT (default ./content) into OUTPUT."""
    from sitegen.build import build as run_build
    from sitegen.reporter import ConsoleReporter

    # The folder the path leads to, through links and '..', is the one checked and built:
    # `public` linked to `www` builds into `www`, and `a/link/..` cannot hide the content.
    output = output.resolve()
    problem = _output_problem(output, content)
    if problem:
        raise click.UsageError(problem)
    reporter = ConsoleReporter(sys.stderr)
    ok = run_build(
        content, output, reporter, as_of, strict, public, jobs, full=full, history=not no_history
    )
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("content", type=CONTENT_DIR, default="content")
@as_of_option
@strict_option
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help='json: {"findings": [...]}; github: workflow annotations.',
)
@no_history_option
def check(content: Path, as_of: date | None, strict: bool, style: str, no_history: bool) -> None:
    """Check CONTENT and print every finding; nothing is written."""
    from sitegen.build import analyse
    from sitegen.inputs import current_contents
    from sitegen.reporter import ConsoleReporter

    # As a build does: files whose status is unchanged are not read, new ones parsed on
    # every core.
    contents = current_contents(content)
    jobs = os.cpu_count() or 1
    analysis = analyse(content, as_of, contents=contents, jobs=jobs, history=not no_history)
    prefix = ""
    if style == "github":
        prefix = _repo_prefix(content)
    ConsoleReporter(sys.stdout, style, prefix).findings(analysis.findings)
    sys.exit(1 if analysis.failed_strict(strict) else 0)


@main.command()
@click.argument("kind", required=False)
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a front-matter KIND (or all kinds), for editors."""
    from sitegen.schemas import SCHEMA_KINDS, schema_for

    if kind is not None and kind not in SCHEMA_KINDS:
        raise click.BadParameter(f"choose one of: {', '.join(SCHEMA_KINDS)}", param_hint="KIND")
    payload = schema_for(kind)
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _output_problem(output: Path, content: Path) -> str | None:
    """Why ``output`` cannot be built into: a build replaces everything in it."""
    if _inside(output, content) or _inside(content, output):
        return (
            f"the output folder ({output}) and the content folder ({content}) must be apart:"
            " neither may be inside the other, because a build replaces everything in the"
            " output folder. Choose another folder with -o."
        )
    if output.is_dir() and any(output.iterdir()) and not _built_by_sitegen(output):
        return (
            f"the output folder ({output}) holds files that sitegen did not make, and a build"
            " replaces everything in it. Choose a new or empty folder with -o, or empty it first."
        )
    return None


def _built_by_sitegen(folder: Path) -> bool:
    """Whether sitegen built ``folder``: it kept a record of that build (in the user cache),
    or the folder holds the files every build writes (a build on another machine)."""
    from sitegen.incremental import record_file

    return record_file(folder).is_file() or all((folder / n).is_file() for n in SITE_FILES)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _repo_prefix(content: Path) -> str:
    """Annotations need paths from the repository root, findings are relative to CONTENT."""
    folder = content.resolve()
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            relative = folder.relative_to(parent).as_posix()
            return "" if relative == "." else relative + "/"
    return ""


def _register_authoring_commands() -> None:
    from sitegen.authoring import init, new, serve

    for command in (serve, new, init):
        main.add_command(command)


_register_authoring_commands()
