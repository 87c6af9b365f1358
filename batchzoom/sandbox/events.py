"""Registrants, webinars, panelists and user settings: routed to ``registrants`` and ``webinars``.

A registrant operation names a meeting (its host must be licensed, as for every meeting
operation) or a webinar (its host must hold the Webinar add-on); the rules of each are
in those modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from batchzoom.sandbox.config import SandboxUser
from batchzoom.sandbox.registrants import Target
from batchzoom.sandbox.responses import Request, Response

if TYPE_CHECKING:
    from batchzoom.sandbox.api import ZoomApi


def handlers(api: ZoomApi) -> dict[str, Callable[[Request, str], Response]]:
    """The operation handlers, each run under the store's lock and saved after."""
    registrants, webinars = api.registrants, api.webinars

    def locked(serve: Callable[[Request, str], Response]) -> Callable[[Request, str], Response]:
        def run(request: Request, argument: str) -> Response:
            with api.store.lock:
                response = serve(request, argument)
                api.store.save()
                return response

        return run

    def meeting(argument: str) -> Target:
        return Target("meeting", api.licensed_meeting(argument))

    def webinar(argument: str) -> Target:
        return Target("webinar", webinars.record(argument))

    def host(argument: str) -> SandboxUser:
        return api.user_or_404(argument)

    table: dict[str, Callable[[Request, str], Response]] = {
        "meetingRegistrantCreate": lambda r, a: registrants.add(
            meeting(a), "meetingRegistrantCreate", r
        ),
        "addBatchRegistrants": lambda r, a: registrants.add_batch(meeting(a), r),
        "meetingRegistrants": lambda r, a: registrants.listing(meeting(a), r),
        "meetingRegistrantStatus": lambda r, a: registrants.update_status(
            meeting(a), "meetingRegistrantStatus", r
        ),
        "webinarRegistrantCreate": lambda r, a: registrants.add(
            webinar(a), "webinarRegistrantCreate", r
        ),
        "webinarRegistrants": lambda r, a: registrants.listing(webinar(a), r),
        "webinarRegistrantStatus": lambda r, a: registrants.update_status(
            webinar(a), "webinarRegistrantStatus", r
        ),
        "webinarCreate": lambda r, a: webinars.create(host(a), r),
        "webinars": lambda r, a: webinars.listing(host(a), r),
        "webinar": lambda r, a: webinars.get(a),
        "webinarUpdate": lambda r, a: webinars.update(a, r),
        "webinarDelete": lambda r, a: webinars.delete(a),
        "webinarPanelistCreate": lambda r, a: webinars.add_panelists(a, r),
        "webinarPanelists": lambda r, a: webinars.panelists(a),
        "webinarPanelistsDelete": lambda r, a: webinars.remove_panelists(a),
        "webinarPanelistDelete": lambda r, a: webinars.remove_panelist(*a.split("/", 1)),
        "userSettings": lambda r, a: Response.json(200, webinars.user_settings(host(a))),
    }
    return {name: locked(serve) for name, serve in table.items()}
