"""``Zoom``: one Zoom account for a program, with one meeting at a time.

A start is checked exactly as a roster cell is (``batchzoom.model.times``): an aware
``datetime`` is that instant; a naive one is a wall time in ``timezone``, and a time that a
DST change skips or repeats raises ``InvalidSessionError`` naming both instants::

    from datetime import datetime
    import batchzoom

    with batchzoom.Zoom.from_env() as zoom:
        meeting = zoom.create_meeting(
            "Office hours", datetime(2040, 5, 7, 14, 0), 45, timezone="Asia/Seoul"
        )
        print(meeting.join_url)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from batchzoom.core.errors import ConfigError, InvalidSessionError
from batchzoom.core.i18n import _
from batchzoom.core.secret import Secret
from batchzoom.model import times
from batchzoom.model.problems import CellError, Problem
from batchzoom.model.validation import one_meeting
from batchzoom.zoom.client import ZoomClient
from batchzoom.zoom.meetings import create_body
from batchzoom.zoom.policy import RetryPolicy
from batchzoom.zoom.ratelimit import PLAN_LIMITS, Plan, RateLimits
from batchzoom.zoom.settings import (
    DEFAULT_API_URL,
    DEFAULT_TOKEN_URL,
    ZoomSettings,
    load_settings,
)


@dataclass(frozen=True)
class Meeting:
    """One Zoom meeting as Zoom answered it; ``start`` is an aware UTC datetime."""

    id: int
    join_url: str
    password: str
    start: datetime | None
    timezone: str
    topic: str
    duration: int
    occurrences: tuple[datetime, ...] = ()

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any]) -> Meeting:
        """The meeting a Zoom answer (create or get) describes."""
        return cls(
            id=int(answer["id"]),
            join_url=str(answer.get("join_url") or ""),
            password=str(answer.get("password") or ""),
            start=_instant(answer.get("start_time")),
            timezone=str(answer.get("timezone") or ""),
            topic=str(answer.get("topic") or ""),
            duration=int(answer.get("duration") or 0),
            occurrences=tuple(
                moment
                for item in answer.get("occurrences") or ()
                if (moment := _instant(item.get("start_time"))) is not None
            ),
        )


def _instant(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _refused(code: str, message: str, column: str) -> InvalidSessionError:
    return InvalidSessionError([Problem(None, column, code, message)])


def start_of(start: datetime, timezone: str | None) -> tuple[datetime, str]:
    """The aware instant and zone name of a start, by the roster cell's rules.

    Raises ``InvalidSessionError`` for an unknown zone, a naive start without a zone, or a
    wall time a DST change skips ("dst-gap") or repeats ("dst-fold").
    """
    try:
        where = times.zone(timezone) if timezone else None
        if start.tzinfo is not None and start.utcoffset() is not None:
            return start.astimezone(UTC), (str(where) if where is not None else "UTC")
        if where is None:
            raise CellError(
                "naive-start",
                _(
                    "The start {start} has no time zone; pass timezone= "
                    '(e.g. timezone="Asia/Seoul") or an aware datetime.'
                ).format(start=f"{start:%Y-%m-%d %H:%M}"),
            )
        return times.localize(start, where).astimezone(UTC), str(where)
    except CellError as error:
        raise _refused(
            error.code, error.message, "timezone" if "zone" in error.code else "start"
        ) from None


class Zoom:
    """One Zoom account: one token for its lifetime, safe to share between threads.

    >>> zoom = Zoom(account_id="...", client_id="...", client_secret="...")  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        plan: Plan = "pro",
        token_url: str = DEFAULT_TOKEN_URL,
        api_url: str = DEFAULT_API_URL,
        allow_insecure_http: bool = False,
        now: Callable[[], datetime] | None = None,
        instant_retries: bool = False,
    ) -> None:
        if plan not in PLAN_LIMITS:
            raise ConfigError(
                _("Unknown Zoom plan {plan}; use one of {plans}.").format(
                    plan=repr(plan), plans=", ".join(PLAN_LIMITS)
                )
            )
        settings = ZoomSettings(
            account_id=account_id,
            client_id=client_id,
            client_secret=Secret(client_secret),
            token_url=token_url,
            api_url=api_url,
            allow_insecure_http=allow_insecure_http,
        )
        self.plan: Plan = plan
        self.settings = settings
        # The clock of this account's runs too (journal, quota days), unless a run gets ``now``.
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self._client = ZoomClient(
            settings,
            limits=RateLimits.for_plan(plan),
            retry=RetryPolicy.for_tests() if instant_retries else None,
            now=self.now,
        )

    @classmethod
    def from_env(
        cls,
        *,
        plan: Plan = "pro",
        env_file: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Zoom:
        """The account the ZOOM_* variables name, by the CLI's rules (environment, then
        ``.env`` in the working folder; ``env_file`` replaces it)."""
        settings = load_settings(
            os.environ if environ is None else environ, env_file=env_file, cwd=Path.cwd()
        )
        return cls(
            account_id=settings.account_id,
            client_id=settings.client_id,
            client_secret=settings.client_secret.reveal(),
            plan=plan,
            token_url=settings.token_url,
            api_url=settings.api_url,
        )

    @property
    def client(self) -> ZoomClient:
        """The underlying client the engine's runs use (its token and pacing are shared)."""
        return self._client

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Zoom:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_meeting(
        self,
        topic: str,
        start: datetime,
        duration: int,
        *,
        timezone: str | None = None,
        host: str = "me",
        agenda: str | None = None,
        password: str | None = None,
        recurrence: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Meeting:
        """Create one meeting and return it; ``start`` is checked as a roster cell is.

        >>> zoom.create_meeting("Demo", datetime(2040, 5, 7, 14), 30, timezone="UTC")  # doctest: +SKIP
        """
        instant, zone_name = start_of(start, timezone)
        session = one_meeting(
            topic=topic,
            start=instant.astimezone(times.zone(zone_name)),
            timezone=zone_name,
            duration=duration,
            now=self.now(),
            host=host,
            agenda=agenda,
            password=password,
            recurrence=recurrence,
            settings=settings,
        )
        body = create_body(session, now=self.now())
        return Meeting.from_answer(self._client.create_meeting(host, body))

    def get_meeting(self, meeting_id: int) -> Meeting | None:
        """The meeting with this id, or None when Zoom has none."""
        answer = self._client.get_meeting(meeting_id)
        return None if answer is None else Meeting.from_answer(answer)

    def update_meeting(self, meeting_id: int, **changes: Any) -> None:
        """Change fields of a meeting (Zoom's names: topic, duration, agenda...).

        ``start`` (a datetime) with ``timezone`` is checked as in ``create_meeting``.
        """
        body = dict(changes)
        if "start" in body:
            instant, zone_name = start_of(body.pop("start"), body.get("timezone"))
            body["start_time"] = times.utc_text(instant)
            body["timezone"] = zone_name
        self._client.update_meeting(meeting_id, body)

    def delete_meeting(self, meeting_id: int) -> None:
        """Delete a meeting (its registrants are not told)."""
        self._client.delete_meeting(meeting_id)

    def list_meetings(self, host: str = "me") -> Iterator[Meeting]:
        """Every scheduled meeting of ``host`` (all pages)."""
        for answer in self._client.list_meetings(host):
            yield Meeting.from_answer(answer)
