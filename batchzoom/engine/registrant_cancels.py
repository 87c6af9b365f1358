"""Cancelling registrants batchzoom added: those gone from the attendee sheet (sync), and the
rows whose status says cancelled.

Only the registrants the journal says batchzoom added are looked at, so one added by hand in
Zoom is never touched: not even one who is also on the sheet, whom registering records
``found`` (``batchzoom.engine.registrant_listing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from batchzoom.engine.journal.registrants import Registrant, RegistrantJournal
from batchzoom.engine.registrations import Canceller, Target
from batchzoom.model.attendees import Attendee


def cancel_removed(
    zoom: Canceller,
    journal: RegistrantJournal,
    targets: Sequence[Target],
    attendees: Sequence[Attendee],
) -> list[Registrant]:
    """Cancel on Zoom each registrant batchzoom added who is no longer on the attendee sheet.

    Only the journal's ``added`` registrants are looked at, so one added by hand in Zoom is
    never touched (one on the sheet too is ``found``). Returns the records cancelled.

    ``sync --notify`` cannot reach this call: Zoom's status update takes only ``action`` and
    ``registrants`` (Meetings.json ``meetingRegistrantStatus``), with no flag to email the
    person or not. Whether Zoom emails a cancelled registrant is the meeting's own
    ``settings.registrants_email_notification`` ("Whether to send registrants email
    notifications about their registration approval, cancellation, or rejection"), which
    batchzoom leaves as the roster set it.
    """
    present = {(attendee.session, attendee.key) for attendee in attendees}
    cancelled: list[Registrant] = []
    for target in targets:
        gone = [
            record
            for record in journal.of(target.meeting_id).values()
            if record.state == "added"
            and record.registrant_id
            and (target.session, record.email) not in present
        ]
        if not gone:
            continue
        people = [{"id": record.registrant_id, "email": record.email} for record in gone]
        zoom.update_registrant_status(target.meeting_id, "cancel", people, webinar=target.webinar)
        for record in gone:
            done = replace(record, state="cancelled", join_url=None)
            journal.record(done)
            cancelled.append(done)
    return cancelled


def cancelled_rows(
    journal: RegistrantJournal, targets: Sequence[Target], cancelled: Sequence[Attendee]
) -> list[Registrant]:
    """What to write on each attendee row whose status says cancelled.

    The journal's record when batchzoom registered the person (``cancelled`` once sync
    cancelled it; ``added`` while only ``schedule`` ran, which cancels nobody) or found them
    on Zoom (``found``: still registered, batchzoom cancels only its own), else a record
    saying cancelled: such a person is never registered.
    """
    meetings = {target.session: target.meeting_id for target in targets}
    rows = []
    for person in cancelled:
        meeting_id = meetings.get(person.session)
        if meeting_id is None:
            continue
        record = journal.of(meeting_id).get(person.key)
        if record is not None and record.state in {"added", "cancelled", "found"}:
            rows.append(replace(record, excel_row=person.row))
        else:
            rows.append(Registrant(meeting_id, person.key, person.session, person.row, "cancelled"))
    return rows
