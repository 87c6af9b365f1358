"""`batchzoom sandbox`: run the local Zoom stand-in in the foreground."""

from __future__ import annotations

import errno
import shlex
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from batchzoom.cli.app import cli
from batchzoom.core.i18n import N_, _
from batchzoom.sandbox.limits import PLANS

# How a user's Zoom status reads on the Users line (the status itself is Zoom's word).
USER_STATUS_WORDS = {"pending": N_("pending"), "inactive": N_("inactive")}

if TYPE_CHECKING:
    from batchzoom.sandbox import SandboxUser


def _users(
    emails: tuple[str, ...],
    unlicensed: tuple[str, ...],
    webinar: tuple[str, ...] = (),
    pending: tuple[str, ...] = (),
    deactivated: tuple[str, ...] = (),
) -> list[SandboxUser]:
    """Users from repeated or comma-separated emails; the first is the account owner.

    ``webinar``, ``pending`` and ``deactivated`` mark users (listed already, or added as
    licensed users) as holding the Webinar add-on, not yet active, or deactivated.
    """
    from batchzoom.sandbox import SandboxUser

    users: list[SandboxUser] = []
    seen: set[str] = set()
    for raw, licensed in [(e, True) for e in emails] + [(e, False) for e in unlicensed]:
        for email in _emails(raw, "--users"):
            if email.lower() in seen:
                raise click.BadParameter(
                    _("{email} is listed twice.").format(email=email), param_hint="--users"
                )
            seen.add(email.lower())
            users.append(SandboxUser(email=email, licensed=licensed))
    marks = [("--webinar", webinar), ("--pending", pending), ("--deactivated", deactivated)]
    for option, values in marks:
        for email in (e for raw in values for e in _emails(raw, option)):
            user = next((u for u in users if u.email.lower() == email.lower()), None)
            if user is None:
                user = SandboxUser(email=email)
                users.append(user)
            if option == "--webinar":
                user.webinar = True
            else:
                user.status = "pending" if option == "--pending" else "inactive"
    return users


def _emails(raw: str, option: str) -> list[str]:
    """The emails of one option value (comma-separated), each checked to be an email."""
    found = [part.strip() for part in raw.split(",") if part.strip()]
    for email in found:
        if "@" not in email:
            raise click.BadParameter(
                _("{email} is not an email address.").format(email=repr(email)), param_hint=option
            )
    return found


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default="chosen by the OS")
@click.option("--plan", type=click.Choice(PLANS), default="pro", show_default=True,
              help="Zoom plan whose rate limits apply.")  # fmt: skip
@click.option("--qps", type=click.FloatRange(min=0, min_open=True),
              help="Per-second limit for every category, instead of the plan's.")  # fmt: skip
@click.option("--daily-limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Meeting create/update requests per host per UTC day (0: no limit).")  # fmt: skip
@click.option("--latency", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds added to every API response.")  # fmt: skip
@click.option("--jitter", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Up to this many seconds more, drawn for each request, as a network's "
                   "varying delay.")  # fmt: skip
@click.option("--fault-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Chance that an API request fails with 500, 502 or 503.")  # fmt: skip
@click.option("--seed", type=int, help="Seed for random faults, for repeatable runs.")
@click.option("--users", "emails", multiple=True, metavar="EMAILS",
              help="Licensed users (repeat or separate with commas); the first is the owner.")  # fmt: skip
@click.option("--unlicensed", multiple=True, metavar="EMAILS",
              help="Users who may not host meetings.")  # fmt: skip
@click.option("--webinar", multiple=True, metavar="EMAILS",
              help="Users with the Webinar add-on (added as licensed users if not listed).")  # fmt: skip
@click.option("--pending", multiple=True, metavar="EMAILS",
              help="Users who have not accepted the invitation yet (status pending).")  # fmt: skip
@click.option("--deactivated", multiple=True, metavar="EMAILS",
              help="Deactivated users (status inactive).")  # fmt: skip
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file that keeps users and meetings between runs.")  # fmt: skip
@click.option("--scopes", metavar="SCOPES",
              help="Only these OAuth scopes (comma-separated) in every token, to see Zoom's "
                   "4711 error; e.g. meeting:read:meeting:admin,user:read:user:admin.")  # fmt: skip
@click.option("--shared-qps", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Requests per second that another app on the account spends.")  # fmt: skip
@click.option("--listing-delay", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds before a new meeting shows in its host's meeting list.")  # fmt: skip
@click.option("--print-env", is_flag=True,
              help="Print the settings as lines of an .env file (KEY=value) instead of shell "
                   "export lines.")  # fmt: skip
def sandbox(
    *,
    port: int,
    plan: str,
    qps: float | None,
    daily_limit: int,
    latency: float,
    jitter: float,
    fault_rate: float,
    seed: int | None,
    emails: tuple[str, ...],
    unlicensed: tuple[str, ...],
    webinar: tuple[str, ...],
    pending: tuple[str, ...],
    deactivated: tuple[str, ...],
    state: Path | None,
    scopes: str | None,
    shared_qps: float,
    listing_delay: float,
    print_env: bool,
) -> None:
    """Run a local stand-in for Zoom's API, to try batchzoom without Zoom credentials.

    It serves Server-to-Server OAuth and the meeting endpoints on 127.0.0.1 with Zoom's
    validation, errors and rate limits, and prints the settings a client needs as
    `export ZOOM_...=...` lines. Paste them into another terminal's shell (or, printed
    with --print-env, save them as an .env file beside the roster), then run
    `batchzoom schedule ROSTER` there without --sandbox: it talks to this sandbox as it
    would to Zoom. Stop it with Ctrl-C.

    \b
    Example:
        batchzoom sandbox --port 8765 --users kim@school.example,lee@school.example
        # in another terminal: paste the export lines, then
        batchzoom schedule spring.xlsx
    """
    from batchzoom.sandbox import Sandbox, SandboxConfig

    users = _users(emails, unlicensed, webinar, pending, deactivated)
    config = SandboxConfig(
        plan=plan,  # type: ignore[arg-type]
        qps=qps,
        daily_limit=daily_limit,
        latency=latency,
        jitter=jitter,
        fault_rate=fault_rate,
        seed=seed,
        state_file=state,
        port=port,
        scopes=None
        if scopes is None
        else tuple(s for s in scopes.replace(" ", ",").split(",") if s),
        shared_qps=shared_qps,
        listing_delay=listing_delay,
    )
    if users:
        config.users = users
    try:
        server = Sandbox(config)
    except (OSError, ValueError) as error:  # the state file: unreadable, or not the sandbox's
        raise click.ClickException(
            _(
                "The sandbox cannot use its state file {state} ({error}); delete it or choose "
                "another --state."
            ).format(state=state, error=error)
        ) from None
    try:
        server.bind()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                _(
                    "Port {port} is already in use; choose another --port, or 0 for any free port."
                ).format(port=port)
            ) from None
        raise click.ClickException(
            _(
                "The sandbox could not listen on port {port} ({error}); choose another --port."
            ).format(port=port, error=error.strerror)
        ) from None
    click.echo(
        _("Zoom sandbox listening on {url} (plan {plan}); Ctrl-C stops it.").format(
            url=server.base_url, plan=plan
        )
    )
    settings = {
        "ZOOM_ACCOUNT_ID": server.account_id,
        "ZOOM_CLIENT_ID": server.client_id,
        "ZOOM_CLIENT_SECRET": server.client_secret,
        "ZOOM_TOKEN_URL": server.token_url,
        "ZOOM_API_URL": server.api_url,
    }
    if print_env:
        click.echo(_("Save these lines as .env beside the roster (or pass --env-file):"))
    else:
        click.echo(_("Paste these lines into another terminal, then run batchzoom schedule there:"))
    for line in settings_lines(settings, dotenv=print_env):
        click.echo(line)
    hosts = ", ".join(u.email + _marks(u) for u in server.users())
    click.echo(_("Users: {users}").format(users=hosts))
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop is a clean stop too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo(_("Sandbox stopped."))


def settings_lines(settings: dict[str, str], *, dotenv: bool) -> list[str]:
    """``export KEY=value`` lines a POSIX shell takes as they are, or ``KEY=value`` for .env.

    Values are quoted for the shell (``shlex.quote``) or, in the .env form, put in double
    quotes when they hold anything but letters, digits and ``-_.:/@``.
    """
    if not dotenv:
        return [f"export {key}={shlex.quote(value)}" for key, value in settings.items()]
    return [f"{key}={_dotenv_value(value)}" for key, value in settings.items()]


def _dotenv_value(value: str) -> str:
    if value and all(c.isascii() and (c.isalnum() or c in "-_.:/@") for c in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _marks(user: SandboxUser) -> str:
    """What sets a user apart, for the Users line: " (unlicensed, webinar)"."""
    marks = [
        *([_("unlicensed")] if not user.licensed else []),
        *([_("webinar")] if user.webinar else []),
        *([_(USER_STATUS_WORDS.get(user.status, user.status))] if user.status != "active" else []),
    ]
    return f" ({', '.join(marks)})" if marks else ""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
