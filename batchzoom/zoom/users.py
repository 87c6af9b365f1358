"""Looking users up: who they are (``GET /users/{userId}``) and what they may host (settings).

Zoom's user object (Users.json ``user``): ``status`` is ``active``, ``pending`` (has not
accepted the invitation yet) or ``inactive`` (deactivated); ``type`` is 1 Basic, 2
Licensed, 4 Unassigned without Meetings Basic, 99 None. Its settings
(``userSettings``) show the Webinar add-on as ``feature.webinar``. Both are paced in
their categories (user: Light, settings: Medium) like any other request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from batchzoom.zoom import answers
from batchzoom.zoom.caller import ApiCaller
from batchzoom.zoom.errors import MalformedAnswerError, ZoomRequestError

LICENSED = 2  # Zoom user type: Licensed


@dataclass(frozen=True)
class ZoomUser:
    """A user of the account as Zoom shows them."""

    id: str
    email: str
    type: int
    status: str
    first_name: str = ""
    last_name: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def licensed(self) -> bool:
        """A Licensed user (type 2), who may host meetings."""
        return self.type == LICENSED

    @property
    def active(self) -> bool:
        """Neither pending nor deactivated."""
        return self.status == "active"


@dataclass(frozen=True)
class UserSettings:
    """The part of a user's settings that says what they may host."""

    webinar: bool
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


class UserCalls(ApiCaller):
    """``get_user`` and ``get_user_settings``."""

    def get_user(self, user_id: str) -> ZoomUser | None:
        """The user, or None when Zoom does not know them (404)."""
        try:
            # The run waits for every host's lookup: early, in its pacer's burst.
            response = self._call("user", "GET", f"users/{user_id}", idempotent=True, early=True)
        except ZoomRequestError as error:
            if error.status == 404:
                return None
            raise
        body = answers.json_object(response)
        if body is None or not isinstance(body.get("id"), str):
            raise MalformedAnswerError(
                response.status_code, f"user {user_id} came back without an id"
            )
        user_type = body.get("type")
        return ZoomUser(
            id=body["id"],
            email=str(body.get("email", user_id)),
            type=user_type if isinstance(user_type, int) else 0,
            status=str(body.get("status", "active")),
            first_name=str(body.get("first_name", "")),
            last_name=str(body.get("last_name", "")),
            raw=body,
        )

    def get_user_settings(self, user_id: str) -> UserSettings:
        """The user's settings; ``webinar`` is the Webinar add-on (``feature.webinar``)."""
        response = self._call("userSettings", "GET", f"users/{user_id}/settings", idempotent=True)
        body = answers.json_object(response)
        if body is None:
            raise MalformedAnswerError(
                response.status_code, f"the settings of user {user_id} are not a JSON object"
            )
        feature = body.get("feature")
        webinar = isinstance(feature, dict) and feature.get("webinar") is True
        return UserSettings(webinar=webinar, raw=body)
