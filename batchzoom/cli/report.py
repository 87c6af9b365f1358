"""``--report PATH.html`` on validate, schedule, sync and status: the options, and the
command line the page names (the library, ``batchzoom.api.reports``, gathers and writes it).
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from batchzoom.api.reports import ReportChoice
from batchzoom.core.i18n import _


def report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --report and --report-include-password; the command receives them as ``html``."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        path, include = kwargs.pop("report_path"), kwargs.pop("report_include_password")
        if include and path is None:
            raise click.UsageError(_("--report-include-password needs --report PATH.html."))
        if path is not None and not path.parent.is_dir():
            raise click.BadParameter(
                _("the folder {folder} does not exist.").format(folder=path.parent),
                param_hint="--report",
            )
        choice = ReportChoice(path, include, command_line()) if path is not None else None
        return command(*args, html=choice, **kwargs)

    decorated = click.option(
        "--report-include-password",
        is_flag=True,
        help="Show passcodes (and passcode-bearing join links) in the HTML report.",
    )(wrapper)
    return click.option(
        "--report",
        "report_path",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="PATH.html",
        help="Also write a self-contained HTML report: timetable, daily quota, problems, rows.",
    )(decorated)


def command_line() -> str:
    """The command as typed, rebuilt from what was given on the command line."""
    ctx = click.get_current_context()
    words = ["batchzoom", *ctx.command_path.split()[1:]]
    for param in ctx.command.params:
        name = param.name
        if name is None or ctx.get_parameter_source(name) != click.core.ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(name)
        if isinstance(param, click.Argument):
            words.append(str(value))
        elif isinstance(param, click.Option) and param.is_flag:
            words.append(param.opts[-1] if len(param.opts[-1]) > 2 else param.opts[0])
        elif isinstance(param, click.Option):
            longest = max(param.opts, key=len)
            words += [longest, str(value)]
    return shlex.join(words)


def written(path: Path | None, *, quiet: bool) -> None:
    """Say where the report was written (unless quiet)."""
    if path is not None and not quiet:
        click.echo(_("Report written to {path}.").format(path=path))


def report_arguments(html: ReportChoice | None) -> dict[str, Any]:
    """The library's report arguments for the options given (none without ``--report``)."""
    if html is None:
        return {}
    return {
        "report": html.path,
        "report_include_password": html.include_password,
        "command_line": html.command,
    }
