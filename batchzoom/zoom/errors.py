"""The Zoom client's exceptions, one tree (drawn in ``batchzoom.zoom.client``'s docstring)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from batchzoom.core.errors import AuthError, ZoomError
from batchzoom.zoom import answers


class ZoomRequestError(ZoomError):
    """Zoom refused one request; the rest of the run can go on."""

    def __init__(
        self,
        status: int,
        code: int | None,
        message: str,
        *,
        fields: list[str] | None = None,
        sent: Any = None,
    ) -> None:
        self.status = status
        self.code = code
        self.zoom_message = message
        self.fields = list(fields or [])
        label = f"code {code}" if code is not None else f"HTTP {status}"
        explanation = answers.explain_fields(self.fields, sent)
        if explanation:
            # Zoom's own words ("Validation Failed.", "Invalid field.") explain nothing.
            super().__init__(f"{explanation} ({label}).")
        else:
            super().__init__(f"Zoom refused the request ({label}): {message}")


class MalformedAnswerError(ZoomRequestError):
    """Zoom's API answered something that is not a Zoom answer (HTML, no id, not JSON)."""

    def __init__(self, status: int, what: str) -> None:
        super().__init__(status, None, what)
        self.args = (f"Zoom's answer could not be used: {what}.",)


class UnprovenListingError(ZoomError):
    """A host's meeting list was not a complete Zoom listing: absence is not proven."""


class ScopeError(AuthError):
    """The app's token lacks a scope an operation needs (Zoom's 4711)."""


class DailyLimitError(ZoomError):
    """A daily request limit is used up until ``resume_at`` (UTC)."""

    def __init__(self, host: str | None, resume_at: datetime, message: str) -> None:
        self.host = host
        self.resume_at = resume_at
        who = f"host {host}" if host else "this Zoom account"
        super().__init__(
            f"Zoom's daily limit for {who} is used up ({message}); "
            f"run again after {resume_at:%Y-%m-%d %H:%M} UTC."
        )


class InDoubtError(ZoomError):
    """A create may have happened on Zoom's side without us seeing the answer."""

    def __init__(self, cause: str, *, subject: str = "the meeting") -> None:
        self.cause = cause
        super().__init__(
            f"Zoom did not confirm {subject} ({cause}); it may exist already, so batchzoom "
            "will look for it before creating it again."
        )


class RegistrantLimitError(DailyLimitError):
    """Zoom's per-registrant daily limit (3 additions, 10 status updates) is used up for one person.

    Only that person waits until ``resume_at`` (00:00 UTC); other registrants go on.
    """

    def __init__(self, registrant: str, resume_at: datetime, message: str) -> None:
        self.registrant = registrant
        self.host = None
        self.resume_at = resume_at
        ZoomError.__init__(
            self,
            f"Zoom's daily limit for registrant {registrant or 'this person'} is used up "
            f"({message}); run again after {resume_at:%Y-%m-%d %H:%M} UTC.",
        )
