"""batchzoom: turn a spreadsheet of sessions into Zoom meetings and write the links back."""

__version__ = "0.1.0"
