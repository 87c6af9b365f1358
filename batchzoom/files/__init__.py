"""Files in and out: reading rosters, writing result sheets, calendars and templates."""
