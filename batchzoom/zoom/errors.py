"""The Zoom client's exceptions, beside the client that raises them.

They are defined, with the whole tree, in ``batchzoom.core.errors``; this module
re-exports them so that ``batchzoom.zoom.errors`` imports keep working.
"""

from __future__ import annotations

from batchzoom.core.errors import (
    DailyLimitError,
    InDoubtError,
    MalformedAnswerError,
    RegistrantLimitError,
    ScopeError,
    UnprovenListingError,
    ZoomRequestError,
)

__all__ = [
    "DailyLimitError",
    "InDoubtError",
    "MalformedAnswerError",
    "RegistrantLimitError",
    "ScopeError",
    "UnprovenListingError",
    "ZoomRequestError",
]
