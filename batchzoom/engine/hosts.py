"""Hosts checked first: every user a roster names, looked up once before anything is sent.

Every host, alternative host, pool member and panelist of the valid sessions is looked
up once (``GET /users/{userId}``, through the ``lookup`` the caller gives, which paces
and counts it like any other request). A user Zoom does not know, one who has not
accepted the invitation (``status`` pending), one deactivated (``inactive``) or one
without a licence (``type`` 1, Basic) makes the rows naming them invalid, with the user
named and what to do, instead of failing row by row half-way through a run. A webinar's
host must also hold the webinar licence (``GET /users/{userId}/settings``,
``feature.webinar``).

Zoom's user object: ``status`` is ``active``, ``inactive`` or ``pending`` and ``type`` is
1 Basic, 2 Licensed, 4 Unassigned without meetings basic, 99 None (the response schema
of "Get a user", https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}).
A panelist need not be a user of the account (Zoom invites panelists by email), so a
panelist Zoom does not know is no problem; one it knows must not be pending or deactivated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from batchzoom.engine.connection import zoom_client
from batchzoom.engine.settings import Settings
from batchzoom.model.problems import Problem
from batchzoom.model.rows import WEBINAR, Validation

if TYPE_CHECKING:
    import httpx

    from batchzoom.files.results import Loaded

LOOKUPS_AT_ONCE = 16  # user lookups in flight at once
BASIC = 1  # Zoom user type: Basic (unlicensed)
LICENSED = 2

# A user as Zoom answers GET /users/{userId}, or None when Zoom does not know them (404).
UserLookup = Callable[[str], Mapping[str, Any] | None]
# A user's settings as Zoom answers GET /users/{userId}/settings.
SettingsLookup = Callable[[str], Mapping[str, Any]]


@dataclass(frozen=True)
class Use:
    """One place a roster names a user: its row, column and the part the user plays."""

    row: int
    column: str
    role: str  # "host", "alternative host", "pool member", "panelist"


def uses(
    columns: Mapping[str, str],
    validation: Validation,
    pools: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[Use]]:
    """Each user the valid sessions name (as first written, matched case-blind), where."""
    found: dict[str, list[Use]] = {}
    spelled: dict[str, str] = {}

    def add(user: str, use: Use) -> None:
        name = spelled.setdefault(user.casefold(), user)
        found.setdefault(name, []).append(use)

    host_column = columns.get("host", "host")
    for session in validation.sessions:
        if session.host != "me":
            add(session.host, Use(session.row, host_column, "host"))
        for user in session.alternative_hosts:
            add(
                user,
                Use(
                    session.row,
                    columns.get("alternative_hosts", "alternative_hosts"),
                    "alternative host",
                ),
            )
        for user in session.panelists:
            add(user, Use(session.row, columns.get("panelists", "panelists"), "panelist"))
        if session.pool is not None:
            for user in (pools or {}).get(session.pool, ()):
                if user.casefold() != session.host.casefold():
                    add(user, Use(session.row, host_column, "pool member"))
    return found


def _refusal(user: str, answer: Mapping[str, Any] | None, role: str) -> tuple[str, str] | None:
    """(code, sentence) when ``answer`` shows the user cannot play ``role``; else None."""
    if answer is None and role == "panelist":
        return None
    if answer is None:
        return (
            "user-unknown",
            f"{user} ({role}) is not a user of this Zoom account; correct the email or add "
            "the user in Zoom (Admin > User Management > Users).",
        )
    status = str(answer.get("status", "active"))
    if status == "pending":
        return (
            "user-pending",
            f"{user} ({role}) has not yet accepted the invitation to the Zoom account; ask them "
            "to accept it, or name another user.",
        )
    if status == "inactive":
        return (
            "user-deactivated",
            f"{user} ({role}) is deactivated in Zoom; reactivate the user or name another one.",
        )
    if answer.get("type") != LICENSED and role != "panelist":
        return (
            "user-unlicensed",
            f"{user} ({role}) has no Zoom licence (a Basic user); assign a licence in Zoom "
            "(Admin > User Management > Users) or name a licensed user.",
        )
    return None


def webinar_licensed(settings: Mapping[str, Any]) -> bool:
    """Whether a user's settings show the webinar licence (``feature.webinar``)."""
    feature = settings.get("feature")
    return isinstance(feature, Mapping) and feature.get("webinar") is True


def check_hosts(
    columns: Mapping[str, str],
    validation: Validation,
    lookup: UserLookup,
    *,
    user_settings: SettingsLookup | None = None,
    pools: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """(problems, warnings): every user the sessions name, each looked up once.

    A host, alternative host or panelist Zoom refuses makes the rows naming them invalid; a
    pool member not picked for a row is a warning of the pool's rows. With
    ``user_settings``, every webinar host without the webinar licence is one problem per
    webinar row, the hosts named in one sentence.
    """
    named = uses(columns, validation, pools)
    # Looked up side by side (each request paced as any other): the run waits for them all.
    with ThreadPoolExecutor(max_workers=max(1, min(LOOKUPS_AT_ONCE, len(named)))) as pool:
        answers = dict(zip(named, pool.map(lookup, named), strict=True))
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for user, places in named.items():
        for use in places:
            refusal = _refusal(user, answers[user], use.role)
            if refusal is None:
                continue
            record = Problem(use.row, use.column, refusal[0], refusal[1])
            (warnings if use.role == "pool member" else problems).append(record)
    if user_settings is not None:
        problems += _webinar_licences(columns, validation, answers, user_settings)
    return problems, warnings


def _webinar_licences(
    columns: Mapping[str, str],
    validation: Validation,
    answers: Mapping[str, Mapping[str, Any] | None],
    user_settings: SettingsLookup,
) -> list[Problem]:
    """One problem per webinar row whose host lacks the webinar licence."""
    webinars = [session for session in validation.sessions if session.kind == WEBINAR]
    hosts = sorted({session.host for session in webinars}, key=str.casefold)
    known = {user.casefold(): answer for user, answer in answers.items()}
    without = [
        host
        for host in hosts
        if known.get(host.casefold(), {}) is not None and not webinar_licensed(user_settings(host))
    ]
    if not without:
        return []
    names = ", ".join(without)
    sentence = (
        f"these hosts have no webinar licence: {names}; assign them the Zoom Webinars add-on "
        "(Admin > User Management > Users) or make the rows meetings."
    )
    lacking = {host.casefold() for host in without}
    return [
        Problem(session.row, columns.get("kind", "kind"), "webinar-unlicensed", sentence)
        for session in webinars
        if session.host.casefold() in lacking
    ]


def look_up_hosts(
    loaded: Loaded, options: Settings, *, transport: httpx.BaseTransport | None = None
) -> Loaded:
    """``loaded`` with every named user looked up on ``options.zoom``'s account (see the
    module text): the rows naming a user Zoom refuses become invalid before anything is sent.

    One ``GET /users/{userId}`` per user (and one settings lookup per webinar host), paced
    and counted by the Zoom client like any other request; nothing is created.
    """
    assert options.zoom is not None
    validation = loaded.validation
    with zoom_client(options, transport=transport) as client:

        def lookup(user: str) -> Mapping[str, Any] | None:
            found = client.get_user(user)
            return None if found is None else found.raw

        def user_settings(user: str) -> Mapping[str, Any]:
            return client.get_user_settings(user).raw

        problems, warnings = check_hosts(
            loaded.roster.columns,
            validation,
            lookup,
            user_settings=user_settings,
            pools=options.pools,
        )
    checked = validation.amended(problems).warned(warnings)
    return replace(loaded, validation=checked)
