"""The row model: sessions, their validation, time conversion, recurrence and meeting settings. Pure: no I/O."""
