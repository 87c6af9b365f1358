"""The journal: a durable record of every meeting a roster's runs asked Zoom for.

One SQLite database per roster (WAL mode), written *before* each create (the
intent) and *after* it (the meeting Zoom returned), each in its own committed
transaction. A run killed at any instant therefore leaves one of:

- no row: nothing was sent, the session is simply created next time;
- an intent without a meeting: the create may or may not have reached Zoom;
  the next run settles it by listing the host's meetings before sending again;
- a meeting: it exists, and the output sheet is rebuilt from it.

Entries are per Zoom account, so trying the sandbox and then a real account
on the same roster never mixes their meetings.
"""

from batchzoom.engine.journal.reading import JournalContents, read_journal, sent_row_keys
from batchzoom.engine.journal.schema import (
    SCHEMA_VERSION,
    Entry,
    RowInfo,
    State,
    default_path,
    entry_from_row,
)
from batchzoom.engine.journal.store import Journal

__all__ = [
    "SCHEMA_VERSION",
    "Entry",
    "Journal",
    "JournalContents",
    "RowInfo",
    "State",
    "default_path",
    "entry_from_row",
    "read_journal",
    "sent_row_keys",
]
