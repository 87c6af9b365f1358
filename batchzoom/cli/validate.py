"""`batchzoom validate`."""

from __future__ import annotations
