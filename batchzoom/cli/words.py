"""The words a summary counts with (``24 created``), in the run's language.

The statuses, states and verdicts themselves stay as they are (JSON, the sheet's
``zoom_status`` column, the tables' status columns); only the sentence a person reads
counts them in words. Each count is one message with its number, so a language can put
the number where it belongs (Korean: ``생성 24``).
"""

from __future__ import annotations

from collections.abc import Mapping

from batchzoom.core.i18n import N_, _

COUNT_WORDS: dict[str, str] = {
    # schedule and sync (a row's zoom_status)
    "created": N_("{n} created"),
    "existing": N_("{n} existing"),
    "changed": N_("{n} changed"),
    "updated": N_("{n} updated"),
    "unchanged": N_("{n} unchanged"),
    "cancelled": N_("{n} cancelled"),
    "invalid": N_("{n} invalid"),
    "failed": N_("{n} failed"),
    "deferred": N_("{n} deferred"),
    "planned": N_("{n} planned"),
    # status (a row's state in the journal)
    "in doubt": N_("{n} in doubt"),
    "new": N_("{n} new"),
    # reconcile (a meeting's verdict)
    "match": N_("{n} match"),
    "deleted": N_("{n} deleted"),
    "unchecked": N_("{n} unchecked"),
}


def counted(counts: Mapping[str, int]) -> str:
    """The non-zero ``counts`` in words, in their order: ``24 created, 2 failed``."""
    return ", ".join(
        _(COUNT_WORDS[name]).format(n=n) if name in COUNT_WORDS else f"{n} {name}"
        for name, n in counts.items()
        if n
    )
