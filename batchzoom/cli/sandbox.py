"""`batchzoom sandbox`."""

from __future__ import annotations
