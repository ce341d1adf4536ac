"""The `sitegen` command line (SPEC §7)."""

from __future__ import annotations

import importlib
import json
import os
import sys
from datetime import date
from pathlib import Path

import click
import yaml

from sitegen import __version__
from sitegen.authoring.options import CONTENT_DIR, as_of_option, no_history_option
from sitegen.core.i18n import LANGUAGES, Messages

strict_option = click.option("--strict", is_flag=True, help="Fail on warnings too.")


# The authoring commands, by name: where each is defined.
_AUTHORING = {
    "init": "sitegen.authoring.commands:init",
    "new": "sitegen.authoring.new:new",
    "notify": "sitegen.authoring.notify.command:notify",
    "serve": "sitegen.authoring.commands:serve",
}


class _Commands(click.Group):
    """The commands: the authoring ones (serve, new, init, notify) are imported when one
    of them runs or help lists them, so that `build` and `check` start without them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_AUTHORING})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _AUTHORING and cmd_name not in self.commands:
            module, name = _AUTHORING[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    from sitegen.builder.pipeline import build as run_build
    from sitegen.builder.reporter import ConsoleReporter

    # The folder the path leads to, through links and '..', is the one checked and built:
    # `public` linked to `www` builds into `www`, and `a/link/..` cannot hide the content.
    output = output.resolve()
    problem = _output_problem(output, content)
    if problem:
        raise click.UsageError(problem)
    reporter = ConsoleReporter(sys.stderr, language=site_language(content))
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
    from sitegen.builder.analyse import analyse
    from sitegen.builder.reporter import ConsoleReporter
    from sitegen.content.inputs import current_contents

    # As a build does: files whose status is unchanged are not read, new ones parsed on
    # every core.
    contents = current_contents(content)
    jobs = os.cpu_count() or 1
    analysis = analyse(content, as_of, contents=contents, jobs=jobs, history=not no_history)
    prefix = ""
    if style == "github":
        prefix = _repo_prefix(content)
    language = analysis.site.settings.language
    ConsoleReporter(sys.stdout, style, prefix, language).findings(analysis.findings)
    sys.exit(1 if analysis.failed_strict(strict) else 0)


@main.command()
@click.argument("kind", required=False)
@click.option(
    "--language",
    type=click.Choice(["en", "zh-CN"]),
    default="en",
    show_default=True,
    help="Language of the field descriptions editors show on hover.",
)
def schema(kind: str | None, language: str) -> None:
    """Print the JSON Schema of a front-matter KIND (or all kinds), for editors."""
    from sitegen.content.schemas import SCHEMA_KINDS, schema_for

    if kind is not None and kind not in SCHEMA_KINDS:
        raise click.BadParameter(f"choose one of: {', '.join(SCHEMA_KINDS)}", param_hint="KIND")
    payload = schema_for(kind, language)
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _output_problem(output: Path, content: Path) -> str | None:
    """Why ``output`` cannot be built into. Files in it that sitegen did not write are no
    reason: a build leaves them alone, and stops if it would replace one
    (sitegen.builder.output)."""
    if _inside(output, content) or _inside(content, output):
        return (
            f"the output folder ({output}) and the content folder ({content}) must be apart:"
            " neither may be inside the other, because a build must never change the content"
            " and the site's pages would be mixed with it. Choose another folder with -o."
        )
    return None


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


def site_language(content: Path) -> str:
    """The language of the site in ``content`` for the command line's own words, read
    without loading the site; 'en' when it cannot be told (the build says why)."""
    settings = content / "site.yaml"
    try:
        if settings.stat().st_size > 1_000_000:
            return "en"
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(settings.read_text("utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return "en"
    language = data.get("language") if isinstance(data, dict) else None
    return language if language in LANGUAGES else "en"


def _language_of_command_line(arguments: list[str]) -> str:
    """The site language of the content folder a command line names (or ./content)."""
    named = [a for a in arguments[1:] if not a.startswith("-")]
    for candidate in [*named, "content"]:
        if (Path(candidate) / "site.yaml").is_file():
            return site_language(Path(candidate))
    return "en"


def run(arguments: list[str] | None = None) -> None:
    """The `sitegen` command: `main`, with click's own frames ("Usage:", "Error:") in
    the language of the site the command works on."""
    arguments = sys.argv[1:] if arguments is None else arguments
    msg = Messages(_language_of_command_line(arguments), kind="authoring")
    try:
        main.main(arguments, prog_name="sitegen", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.UsageError as error:
        if error.ctx is not None:
            usage = error.ctx.get_usage().replace("Usage: ", msg("cli.usage"), 1)
            command = error.ctx.command_path
            click.echo(f"{usage}\n{msg('cli.try-help', command=command)}\n", err=True)
        click.echo(f"{msg('cli.error')}{error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"{msg('cli.error')}{error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        click.echo(msg("cli.aborted"), err=True)
        sys.exit(1)
