"""batchzoom: turn a spreadsheet of sessions into Zoom meetings and write the links back.

Every public name is listed in ``__all__`` and loads on first use, so ``import batchzoom``
stays as light as ``batchzoom --help`` (no httpx, openpyxl, pandas or sandbox until used)::

    import batchzoom

    result = batchzoom.schedule("spring.xlsx", sandbox=True)   # as `batchzoom schedule`
    print(result.counts["created"], result.exit_code)

    try:
        ...
    except batchzoom.RowError as error:  # this row or request failed; go on
        ...
    except batchzoom.RunStoppingError:  # nothing more can be done
        raise

The README's "Use from Python" shows each of them at work.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from batchzoom.api.results import (
        Problem,
        Progress,
        ReconcileResult,
        Result,
        RowOutcome,
        StatusResult,
    )
    from batchzoom.api.runs import reconcile, schedule, status, sync, validate
    from batchzoom.api.sandbox import Sandbox
    from batchzoom.api.zoom import Meeting, Zoom
    from batchzoom.core.errors import (
        AuthError,
        BatchzoomError,
        ConfigError,
        DailyLimitError,
        InDoubtError,
        InputError,
        InterruptedRunError,
        InvalidSessionError,
        LockedError,
        MalformedAnswerError,
        NotConfirmedError,
        OutputError,
        RegistrantLimitError,
        RowError,
        RunStoppingError,
        ScopeError,
        UnprovenListingError,
        ZoomError,
        ZoomRequestError,
        ZoomUnreachableError,
    )

# Each public name and the module it lives in, imported on first use.
_HOMES: dict[str, str] = {
    "AuthError": "batchzoom.core.errors",
    "BatchzoomError": "batchzoom.core.errors",
    "ConfigError": "batchzoom.core.errors",
    "DailyLimitError": "batchzoom.core.errors",
    "InDoubtError": "batchzoom.core.errors",
    "InputError": "batchzoom.core.errors",
    "InterruptedRunError": "batchzoom.core.errors",
    "InvalidSessionError": "batchzoom.core.errors",
    "LockedError": "batchzoom.core.errors",
    "MalformedAnswerError": "batchzoom.core.errors",
    "NotConfirmedError": "batchzoom.core.errors",
    "OutputError": "batchzoom.core.errors",
    "RegistrantLimitError": "batchzoom.core.errors",
    "RowError": "batchzoom.core.errors",
    "RunStoppingError": "batchzoom.core.errors",
    "ScopeError": "batchzoom.core.errors",
    "UnprovenListingError": "batchzoom.core.errors",
    "ZoomError": "batchzoom.core.errors",
    "ZoomRequestError": "batchzoom.core.errors",
    "ZoomUnreachableError": "batchzoom.core.errors",
    "Meeting": "batchzoom.api.zoom",
    "Problem": "batchzoom.api.results",
    "Progress": "batchzoom.api.results",
    "ReconcileResult": "batchzoom.api.results",
    "Result": "batchzoom.api.results",
    "RowOutcome": "batchzoom.api.results",
    "Sandbox": "batchzoom.api.sandbox",
    "StatusResult": "batchzoom.api.results",
    "Zoom": "batchzoom.api.zoom",
    "reconcile": "batchzoom.api.runs",
    "schedule": "batchzoom.api.runs",
    "status": "batchzoom.api.runs",
    "sync": "batchzoom.api.runs",
    "validate": "batchzoom.api.runs",
}

__all__ = [
    "AuthError",
    "BatchzoomError",
    "ConfigError",
    "DailyLimitError",
    "InDoubtError",
    "InputError",
    "InterruptedRunError",
    "InvalidSessionError",
    "LockedError",
    "MalformedAnswerError",
    "Meeting",
    "NotConfirmedError",
    "OutputError",
    "Problem",
    "Progress",
    "ReconcileResult",
    "RegistrantLimitError",
    "Result",
    "RowError",
    "RowOutcome",
    "RunStoppingError",
    "Sandbox",
    "ScopeError",
    "StatusResult",
    "UnprovenListingError",
    "Zoom",
    "ZoomError",
    "ZoomRequestError",
    "ZoomUnreachableError",
    "__version__",
    "reconcile",
    "schedule",
    "status",
    "sync",
    "validate",
]


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, as ``__all__`` and the README's "Use from Python" list them."""
    return sorted(__all__)
