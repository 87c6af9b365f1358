"""The public API's objects above the engine: one Zoom account (``Zoom``) and its meetings."""
