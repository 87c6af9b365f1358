"""When a row starts: its time zone, and its start cell or its date and time cells, as an instant.

``StartReader.read`` gives a row's aware start and zone name, or records why it has none
(one problem per cell at fault) and gives None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from batchzoom.core.i18n import _
from batchzoom.model import times
from batchzoom.model.cells import cell_text
from batchzoom.model.problems import CellError, Found
from batchzoom.model.times import DateOrder


@dataclass(frozen=True)
class StartReader:
    """Reads a row's start the same way for every row of one roster."""

    columns: Mapping[str, str]  # the roster's fields (which of start, date, time it has)
    default_zone: str | None  # the zone of rows whose zone cell is blank
    date_order: DateOrder | None

    @property
    def split(self) -> bool:
        """Whether the roster has both a date and a time column."""
        return "date" in self.columns and "time" in self.columns

    def read(self, cells: Mapping[str, object], found: Found) -> tuple[datetime, str] | None:
        """The aware start of a row and its zone name, or None after recording why not.

        ``cells`` holds the row's raw cells by field, None for a blank cell.
        """
        try:
            zone_name = self._zone(cells.get("timezone"))
        except CellError as error:
            found.error("timezone", error)
            self._wall(cells, found)  # the row's date and time problems are shown as well
            return None
        wall, offset, time_column = self._wall(cells, found)
        if zone_name is None:  # an offset alone is not enough: Zoom shows the zone
            found.add("timezone", "timezone-missing", _(times.MISSING_ZONE))
            return None
        if wall is None:
            return None
        try:
            return times.resolve(wall, offset, zone_name)
        except CellError as error:
            found.error(time_column, error)
            return None

    def _zone(self, cell: object) -> str | None:
        if cell is None:
            return self.default_zone
        return times.zone(cell_text(cell) or "").key

    def _wall(
        self, cells: Mapping[str, object], found: Found
    ) -> tuple[datetime | None, timedelta | None, str]:
        """(wall-clock start, explicit offset, the column a start problem belongs to)."""
        start_cell = cells.get("start")
        if start_cell is not None:
            wall, offset = self._from_start_cell(start_cell, cells.get("date"), found)
            return wall, offset, "start"
        if self.split:
            return (
                self._from_date_and_time(cells.get("date"), cells.get("time"), found),
                None,
                "time",
            )
        found.add(
            "start",
            "start-missing",
            _("the start is empty; enter the date and time, e.g. 2027-05-03 18:30."),
        )
        return None, None, "start"

    def _from_start_cell(
        self, start_cell: object, day_cell: object, found: Found
    ) -> tuple[datetime | None, timedelta | None]:
        try:
            return times.to_start(start_cell, date_order=self.date_order)
        except CellError as error:
            wall = self._start_as_time(day_cell, start_cell)
            if wall is None:
                found.error("start", error)
            return wall, None

    def _start_as_time(self, day_cell: object, start_cell: object) -> datetime | None:
        """With a date column but no time column, a start cell holding only a time counts."""
        if "date" not in self.columns or "time" in self.columns:
            return None
        try:
            day = times.to_date(day_cell, date_order=self.date_order)
            clock = times.to_time(start_cell)
        except CellError:
            return None
        return datetime.combine(day, clock)

    def _from_date_and_time(
        self, day_cell: object, clock_cell: object, found: Found
    ) -> datetime | None:
        day: date | None = None
        clock: time | None = None
        if day_cell is None:
            found.add("date", "date-missing", _("the date is empty; enter it as YYYY-MM-DD."))
        else:
            try:
                day = times.to_date(day_cell, date_order=self.date_order)
            except CellError as error:
                found.error("date", error)
        if clock_cell is None:
            found.add(
                "time", "time-missing", _("the time is empty; enter it as HH:MM, e.g. 18:30.")
            )
        else:
            try:
                clock = times.to_time(clock_cell)
            except CellError as error:
                found.error("time", error)
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock)
