"""How a meeting looks in Zoom's responses: the full object and the list item."""

from __future__ import annotations

import copy
import random
import string
from datetime import datetime
from typing import Any

from batchzoom.sandbox.config import SandboxConfig, SandboxUser
from batchzoom.zoomspec import RECURRING, RECURRING_NO_FIXED_TIME

# Fields a client sets; everything else in the representation is Zoom's.
SPEC_KEYS = (
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "agenda",
    "password",
    "pre_schedule",
    "recurrence",
    "settings",
    "tracking_fields",
    "template_id",
)
DEFAULT_TOPIC = "Zoom Meeting"
AGENDA_IN_LIST = 250  # list items carry the agenda "truncated to 250 chars"

# What Zoom reports for settings the request left out (request-schema defaults and
# the values in Zoom's example responses).
SETTING_DEFAULTS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "cn_meeting": False,
    "in_meeting": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "watermark": False,
    "use_pmi": False,
    "approval_type": 2,
    "audio": "both",
    "auto_recording": "none",
    "enforce_login": False,
    "enforce_login_domains": "",
    "alternative_hosts": "",
    "alternative_hosts_email_notification": True,
    "close_registration": False,
    "show_share_button": False,
    "allow_multiple_devices": False,
    "registrants_confirmation_email": True,
    "waiting_room": False,
    "registrants_email_notification": True,
    "meeting_authentication": False,
    "encryption_type": "enhanced_encryption",
    "email_notification": True,
    "focus_mode": False,
    "private_meeting": False,
    "internal_meeting": False,
    "participant_focused_meeting": False,
    "push_change_to_calendar": False,
    "device_testing": False,
    "email_in_attendee_report": False,
    "request_permission_to_unmute_participants": False,
    "disable_participant_video": False,
    "host_save_video_order": False,
    "alternative_host_update_polls": False,
    "auto_start_meeting_summary": False,
    "auto_start_ai_companion_questions": False,
    "show_join_info": False,
    "continuous_meeting_chat": {"enable": False},
    "approved_or_denied_countries_or_regions": {"enable": False},
    "breakout_room": {"enable": False},
    "sign_language_interpretation": {"enable": False},
}


def stamp(when: datetime) -> str:
    """Zoom's UTC timestamp form, ``2020-03-31T12:02:00Z``."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_passcode(rng: random.Random, length: int) -> str:
    """A passcode like Zoom generates: letters and digits, with at least one of each."""
    while True:
        code = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))
        if any(c.isdigit() for c in code) and any(c.isalpha() for c in code):
            return code


def spec_of(meeting: dict[str, Any]) -> dict[str, Any]:
    """The client-settable fields of a stored meeting (a deep copy)."""
    return copy.deepcopy({k: meeting[k] for k in SPEC_KEYS if k in meeting})


def render(
    spec: dict[str, Any],
    *,
    host: SandboxUser,
    start: datetime,
    starts: list[datetime],
    identity: dict[str, Any],
    config: SandboxConfig,
) -> dict[str, Any]:
    """The full meeting as ``GET /meetings/{id}`` returns it.

    ``identity`` holds what never changes or is generated once: id, uuid,
    created_at, encrypted/h323/pstn passwords, the start-URL key.
    """
    kind = spec["type"]
    meeting_id = identity["id"]
    meeting: dict[str, Any] = {
        "uuid": identity["uuid"],
        "id": meeting_id,
        "host_id": host.user_id,
        "host_email": host.email,
        "topic": spec.get("topic", DEFAULT_TOPIC),
        "type": kind,
        "status": "waiting",
    }
    if kind != 3:
        meeting["start_time"] = stamp(start)
    meeting["duration"] = spec.get("duration", 60)
    meeting["timezone"] = spec["timezone"]
    meeting["agenda"] = spec.get("agenda", "")
    meeting["created_at"] = identity["created_at"]
    meeting["start_url"] = f"{config.link_base}/s/{meeting_id}?zak={identity['zak']}"
    password = spec.get("password")
    if password:
        meeting["join_url"] = f"{config.link_base}/j/{meeting_id}?pwd={identity['encrypted']}"
        meeting["password"] = password
        numeric = password if password.isdigit() else identity["numeric"]
        meeting["h323_password"] = numeric
        meeting["pstn_password"] = numeric
        meeting["encrypted_password"] = identity["encrypted"]
    else:
        meeting["join_url"] = f"{config.link_base}/j/{meeting_id}"
    # A field of Zoom's 2026 create/get answers (docs/zoom-facts.md#meeting-fields; present
    # in a 2026 capture of a create answer). The URL's shape here is an assumption.
    meeting["chat_join_url"] = f"{config.link_base}/launch/jc/{meeting_id}"
    meeting["pre_schedule"] = spec.get("pre_schedule", False)
    if "template_id" in spec:
        meeting["template_id"] = spec["template_id"]
    if "tracking_fields" in spec:
        meeting["tracking_fields"] = [
            {"field": f["field"], "value": f.get("value", ""), "visible": True}
            for f in spec["tracking_fields"]
        ]
    if kind in (RECURRING_NO_FIXED_TIME, RECURRING) and "recurrence" in spec:
        meeting["recurrence"] = copy.deepcopy(spec["recurrence"])
    if kind == RECURRING:
        deleted = set(identity.get("deleted_occurrences", []))
        overrides = identity.get("occurrence_overrides", {})
        meeting["occurrences"] = [
            {
                "occurrence_id": occurrence_id(when),
                "start_time": stamp(when),
                "duration": meeting["duration"],
                "status": "deleted" if occurrence_id(when) in deleted else "available",
            }
            | overrides.get(occurrence_id(when), {})
            for when in starts
        ]
    settings = copy.deepcopy(SETTING_DEFAULTS)
    if kind == RECURRING:
        settings["registration_type"] = 1
    settings.update(copy.deepcopy(spec.get("settings", {})))
    meeting["settings"] = settings
    meeting["creation_source"] = "open_api"
    return meeting


def occurrence_id(when: datetime) -> str:
    """Zoom's occurrence id: the occurrence start in milliseconds since the epoch."""
    return str(int(when.timestamp()) * 1000)


def list_item(meeting: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The meeting as ``GET /users/{userId}/meetings`` lists it: no passcode, no start URL."""
    item: dict[str, Any] = {
        "uuid": meeting["uuid"],
        "id": meeting["id"],
        "host_id": meeting["host_id"],
        "topic": meeting["topic"],
        "type": meeting["type"],
    }
    start = meeting.get("start_time")
    upcoming = [
        o["start_time"]
        for o in meeting.get("occurrences", [])
        if o["status"] == "available" and o["start_time"] >= stamp(now)
    ]
    if upcoming:
        start = upcoming[0]
    if start is not None:
        item["start_time"] = start
    item["duration"] = meeting["duration"]
    item["timezone"] = meeting["timezone"]
    item["agenda"] = meeting["agenda"][:AGENDA_IN_LIST]
    item["created_at"] = meeting["created_at"]
    item["join_url"] = meeting["join_url"]
    return item
