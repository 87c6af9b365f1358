"""Meeting request rules: Zoom's request schema plus the rules its descriptions state in prose.

Each rule cites the field description it comes from (Zoom's Meetings API,
``meetingCreate`` / ``meetingUpdate``). Where Zoom was observed to behave
otherwise than its text, the sandbox does what Zoom does, citing the evidence
(type 8 with ``end_times: 0``, loose types in ``schema``). Where Zoom's text is
ambiguous and no evidence of Zoom's behaviour was found, the stricter reading is
taken, so a client that passes here should also pass at Zoom; those places say
"stricter reading" (no evidence either way).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from batchzoom import zoomspec
from batchzoom.sandbox import schema, zones
from batchzoom.sandbox.recurrence import MAX_OCCURRENCES, occurrences
from batchzoom.sandbox.responses import ApiError, invalid
from batchzoom.zoomspec import RECURRING, RECURRING_NO_FIXED_TIME

# start_time: "yyyy-MM-ddTHH:mm:ssZ" (GMT) or "yyyy-MM-ddTHH:mm:ss" with `timezone`.
# Offsets and fractions are not among the documented shapes: stricter reading, refused
# (no evidence of what Zoom does with them).
_START = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$")
_UTC_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
# password: create allows "alphanumeric ... and special characters such as !, @, #";
# update allows only "alphanumeric characters and @, -, _, *". Stricter reading: the latter.
_PASSCODE = re.compile(r"^[A-Za-z0-9@\-_*]{1,10}$")
# weekly_days: the schema enum lists single digits, the prose allows "1,3".
_WEEKLY_DAYS = re.compile(r"^[1-7](,[1-7])*$")
_MAX_INTERVAL = {1: 99, 2: 50, 3: 10}  # repeat_interval: daily 99, weekly 50, monthly 10

SCHEDULE_FOR_INVALID = (
    "The value that you entered in the `schedule_for` field is invalid. "
    "Enter a valid value and try again."
)
INSTANT_SCHEDULE_FOR = (
    "Instant meetings do not support the `schedule_for` parameter, and you can't schedule "
    "an instant meeting for another user."
)
PRESCHEDULE_TYPES = (
    "Prescheduling is only available for scheduled meetings (type 2) and recurring meetings "
    "with no fixed time (type 3)."
)

UserLookup = Callable[[str], Any]  # returns the user record or None


def check_body(
    operation: zoomspec.OperationId, body: Any, *, lenient: bool = True
) -> dict[str, Any]:
    """The request body as Zoom reads it (see ``schema``: loose types, null = not given)."""
    if not isinstance(body, dict):
        raise ApiError(400, 300, "Request Body should be a valid JSON object.")
    checked: dict[str, Any] = schema.check(
        zoomspec.request_schema(operation),
        body,
        "",
        frozenset({"recurrence.weekly_days"}),
        lenient=lenient,
    )
    return checked


def zone(name: str, field_name: str = "timezone") -> str:
    """A valid IANA time-zone name (Zoom's list is a subset of these), or a 300 error."""
    if not name or name.startswith("/") or ".." in name:
        raise invalid(field_name, f"unknown time zone {name!r}")
    try:
        zones.zone(name)
    except (KeyError, ValueError, OSError) as error:
        raise invalid(field_name, f"unknown time zone {name!r}") from error
    return name


def parse_start(value: str, timezone: str) -> datetime:
    """``start_time`` as an aware UTC datetime; local times are read in ``timezone``."""
    if not _START.match(value):
        raise invalid(
            "start_time", "use yyyy-MM-ddTHH:mm:ssZ, or yyyy-MM-ddTHH:mm:ss with timezone"
        )
    try:
        naive = datetime.strptime(value.rstrip("Z"), "%Y-%m-%dT%H:%M:%S")
    except ValueError as error:
        raise invalid("start_time", "not a real date and time") from error
    if value.endswith("Z"):
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=zones.zone(timezone)).astimezone(UTC)


def check_passcode(value: str) -> str:
    """The passcode, if it meets the charset both Zoom descriptions allow."""
    if not _PASSCODE.match(value):
        raise invalid("password", "use 1 to 10 characters: letters, digits, @, -, _ or * only")
    return value


def check_recurrence(rule: dict[str, Any], meeting_type: int) -> dict[str, Any]:
    """The recurrence rule with its defaults, if its fields agree with each other."""
    rule = dict(rule)
    kind = rule["type"]
    interval = rule.setdefault("repeat_interval", 1)
    if not 1 <= interval <= _MAX_INTERVAL[kind]:
        raise invalid("recurrence.repeat_interval", f"must be 1 to {_MAX_INTERVAL[kind]}")
    if "end_times" in rule and "end_date_time" in rule:
        raise invalid("recurrence.end_times", "cannot be used with end_date_time")
    if "end_date_time" in rule:
        if not _UTC_STAMP.match(rule["end_date_time"]):
            raise invalid("recurrence.end_date_time", "must be UTC, such as 2017-11-25T12:00:00Z")
    else:
        ends = rule.setdefault("end_times", 1)
        if ends < 0:
            raise invalid("recurrence.end_times", "must be 0 to 60")
        # 0 means no end, for a fixed-time series too (type 8 with end_times 0 verified
        # against Zoom in 2026: cornellh4i/ithaca-recovery PR 506); see recurrence.py.
    if kind == 2:
        days = rule.get("weekly_days")
        if days is None:
            raise invalid("recurrence.weekly_days", "is required for a weekly recurrence")
        if not _WEEKLY_DAYS.match(days):
            raise invalid("recurrence.weekly_days", "use digits 1-7 separated by commas")
    if kind == 3:
        if ("monthly_week" in rule) != ("monthly_week_day" in rule):
            raise invalid(
                "recurrence.monthly_week", "monthly_week and monthly_week_day go together"
            )
        if "monthly_week" in rule and "monthly_day" in rule:
            raise invalid("recurrence.monthly_day", "cannot be used with monthly_week")
        if "monthly_week" not in rule:
            day = rule.setdefault("monthly_day", 1)
            if not 1 <= day <= 31:
                raise invalid("recurrence.monthly_day", "must be 1 to 31")
    return rule


def check_alternative_hosts(value: str, find_user: UserLookup) -> str:
    """Alternative hosts must be licensed users of the account (emails or ids, ';'-separated)."""
    for entry in (part.strip() for part in value.split(";")):
        if not entry:
            continue
        user = find_user(entry)
        if user is None or not user.licensed:
            raise invalid(
                "settings.alternative_hosts", f"{entry} is not a licensed user of this account"
            )
    return value


def resolve_schedule(
    meeting: dict[str, Any], now: datetime, previous_start: datetime | None
) -> tuple[datetime, list[datetime]]:
    """Start time (UTC) and occurrence starts of a merged meeting spec.

    "If start_time is not specified or is set to a past value, it defaults to
    the current time" on create; on update "the API ignores this value".
    """
    start_text = meeting.get("start_time")
    tz = meeting["timezone"]
    if start_text is None:
        start = previous_start or now
    else:
        start = parse_start(start_text, tz)
        if start < now:
            start = previous_start or now
    start = start.replace(microsecond=0)
    found: list[datetime] = []
    if meeting["type"] == RECURRING:
        rule = meeting["recurrence"]
        found = occurrences(start, tz, rule)
        endless = rule.get("end_times") == 0 and "end_date_time" not in rule
        if len(found) > MAX_OCCURRENCES and not endless:
            # Zoom caps a series at 60 occurrences; refusing beats silently cutting it.
            raise invalid("recurrence.end_date_time", "gives more than 60 occurrences")
        if not found:
            raise invalid("recurrence.end_date_time", "ends before the first occurrence")
        start = found[0]
    return start, found


def check_meeting(meeting: dict[str, Any], host: Any, find_user: UserLookup) -> dict[str, Any]:
    """Cross-field rules on a merged meeting spec; returns the spec with defaults filled."""
    kind = meeting["type"]
    if "timezone" in meeting:
        zone(meeting["timezone"])
    if kind == RECURRING and "recurrence" not in meeting:
        raise invalid(
            "recurrence", "is required for a recurring meeting with a fixed time (type 8)"
        )
    if "recurrence" in meeting:
        if kind not in (RECURRING_NO_FIXED_TIME, RECURRING):
            # "recurrence ... Only for type 8" (and type 3); stricter reading: refused elsewhere.
            raise invalid("recurrence", "is only used for recurring meetings (type 3 or 8)")
        meeting["recurrence"] = check_recurrence(meeting["recurrence"], kind)
    if "password" in meeting:
        check_passcode(meeting["password"])
    if meeting.get("pre_schedule") and kind not in (2, 3):
        raise ApiError(400, 3000, PRESCHEDULE_TYPES)
    settings = meeting.setdefault("settings", {})
    if settings.get("alternative_hosts"):
        check_alternative_hosts(settings["alternative_hosts"], find_user)
    if settings.get("waiting_room"):
        # "If this value is true, this disables the join_before_host setting."
        settings["join_before_host"] = False
    return meeting


def schedule_for(value: str, meeting_type: int, find_user: UserLookup) -> Any:
    """The user a meeting is scheduled for (the real host), per Zoom's documented errors."""
    if meeting_type == 1:
        raise ApiError(400, 3000, INSTANT_SCHEDULE_FOR)
    user = find_user(value)
    if user is None:
        raise ApiError(400, 300, SCHEDULE_FOR_INVALID, field_name="schedule_for")
    return user
