"""The report page: header, timetable, daily quota, problems and the rows table, as one
self-contained HTML document (its CSS and script inline, nothing fetched, ever).

A Content-Security-Policy of ``default-src 'none'`` with the hashes of its own style and
script makes the browser refuse any request the page might try to make.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from datetime import UTC
from html import escape
from importlib import resources

from batchzoom.core.tzdb import zone as tz_zone
from batchzoom.files.report.data import (
    STATUS_LABELS,
    Occurrence,
    ReportInput,
    ReportRow,
    display_zone,
    hosts_of,
    mark_over_limit,
    occurrences,
    quota_days,
    without_password,
)
from batchzoom.files.report.timetable import (
    lang,
    quota_section,
    status_badge,
    timetable,
    when,
)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _header(data: ReportInput, zone: str, over: int) -> str:
    counts = Counter(row.status for row in data.rows if row.row is not None)
    order = [s for s in STATUS_LABELS if counts[s]] + sorted(set(counts) - set(STATUS_LABELS))
    badges = "".join(f"<li>{status_badge(s, counts[s])}</li>" for s in order)
    generated = data.generated_at
    facts = [
        ("Roster", f"<code>{escape(data.roster)}</code>"),
        ("Command", f"<code>{escape(data.command)}</code>"),
        (
            "Generated",
            f"{escape(when(generated, zone))} ({generated.astimezone(UTC):%Y-%m-%d %H:%M} UTC)",
        ),
        ("Times shown in", f"{escape(zone)}"),
    ]
    if data.plan:
        facts.append(
            ("Zoom plan", f"{escape(data.plan)}: a host may run {data.concurrency} at once")
        )
    if data.exit_code is not None:
        facts.append(
            ("Exit code", f'<span class="exit">{data.exit_code}</span> {escape(data.exit_meaning)}')
        )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    notes = [escape(w) for w in data.warnings]
    if over:
        notes.append(
            f"{over} session sitting(s) go beyond what one host may run at once; they are "
            "marked ⚠ in the timetable."
        )
    if data.problems:
        notes.append(
            f'{len(data.problems)} problem(s) to fix: see <a href="#problems">Problems</a>.'
        )
    warned = "".join(f"<li>{note}</li>" for note in notes)
    rows = sum(counts.values())
    return (
        f"<header><h1>batchzoom report: {escape(data.roster.rsplit('/', 1)[-1])}</h1>"
        f'<dl class="facts">{dl}</dl>'
        f'<h2 class="sr">Counts by status</h2><p>{rows} rows:</p>'
        f'<ul class="badges" aria-label="Rows by status">{badges}</ul>'
        + (f'<ul class="notes">{warned}</ul>' if warned else "")
        + "</header>"
    )


def _legend() -> str:
    items = "".join(
        f"<li>{status_badge(s)} {escape(words)}</li>" for s, (_, words) in STATUS_LABELS.items()
    )
    return (
        '<details class="legend"><summary>What the marks mean</summary>'
        f'<ul>{items}<li><span class="badge over">⚠</span> beyond what the host may run at '
        "once</li></ul></details>"
    )


def _problems(data: ReportInput, rows_shown: set[int]) -> str:
    if not data.problems and not data.row_warnings:
        return '<p class="ok">No problems: every row is valid.</p>'
    lines = []
    listed = [(p, "") for p in data.problems]
    listed += [(p, ' <span class="warn">warning</span>') for p in data.row_warnings]
    for problem, kind in sorted(listed, key=lambda item: item[0].row or 0):
        if problem.row is None:
            where = "-"
        elif problem.row in rows_shown:
            where = f'<a href="#row-{problem.row}">{problem.row}</a>'
        else:
            where = str(problem.row)
        lines.append(
            f"<tr><td>{where}</td><td{lang(problem.column)}>{escape(problem.column or '-')}</td>"
            f"<td><code>{escape(problem.code)}</code>{kind}</td>"
            f"<td{lang(problem.message)}>{escape(problem.message)}</td></tr>"
        )
    return (
        '<table class="problems"><thead><tr><th scope="col">Row</th><th scope="col">Column</th>'
        '<th scope="col">Problem</th><th scope="col">Message</th></tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


ROW_COLUMNS = (
    ("Row", "num"),
    ("ID", "text"),
    ("Status", "text"),
    ("Host", "text"),
    ("Topic", "text"),
    ("Start", "text"),
    ("Local start", "text"),
    ("Minutes", "num"),
    ("Sittings", "num"),
    ("Meeting", "num"),
    ("Join link", "text"),
)


def _row_line(
    row: ReportRow, sittings: list[Occurrence], data: ReportInput, zone: str
) -> tuple[str, set[str]]:
    where = tz_zone(zone)
    days = {f"{o.start.astimezone(where):%Y-%m-%d}" for o in sittings}
    first = min((o.start for o in sittings), default=None)
    link = row.join_url if data.include_password else without_password(row.join_url)
    shown = when(first, zone) if first else ""
    local = when(first, row.zone) + f" ({row.zone})" if first and row.zone else ""
    cells = [
        (str(row.row) if row.row is not None else "", str(row.row or 0)),
        (escape(row.key or ""), None),
        (status_badge(row.status), escape(row.status)),
        (escape(row.host or ""), None),
        (f"<span{lang(row.topic)}>{escape(row.topic or '')}</span>", escape(row.topic or "")),
        (escape(shown), f"{first.astimezone(UTC):%Y%m%d%H%M}" if first else ""),
        (escape(local), f"{first.astimezone(UTC):%Y%m%d%H%M}" if first else ""),
        (str(row.duration or ""), str(row.duration or 0)),
        (str(len(sittings)) if sittings else "", str(len(sittings))),
        (str(row.meeting_id or ""), str(row.meeting_id or 0)),
        (f'<a href="{escape(link)}" rel="noreferrer">{escape(link)}</a>' if link else "", None),
    ]
    if data.include_password:
        cells.append((escape(row.password or ""), None))
    if data.registrants:
        count = data.registrants.get(row.key or "", 0) if row.key else 0
        cells.append((str(count) if count else "", str(count)))
    cells.append((f"<span{lang(row.detail)}>{escape(row.detail or '')}</span>", None))
    tds = "".join(
        f'<td data-v="{value}">{html}</td>' if value is not None else f"<td>{html}</td>"
        for html, value in cells
    )
    anchor = f' id="row-{row.row}"' if row.row is not None else ""
    attrs = (
        f'{anchor} data-host="{escape((row.host or "").lower())}" '
        f'data-status="{escape(row.status)}" data-days="{" ".join(sorted(days))}"'
    )
    return f"<tr{attrs}>{tds}</tr>", days


def _rows_table(data: ReportInput, found: list[Occurrence], zone: str) -> str:
    by_row: dict[int, list[Occurrence]] = {}
    for item in found:
        by_row.setdefault(id(item.row), []).append(item)
    lines: list[str] = []
    all_days: set[str] = set()
    for row in data.rows:
        line, days = _row_line(row, by_row.get(id(row), []), data, zone)
        lines.append(line)
        all_days |= days
    columns = list(ROW_COLUMNS)
    if data.include_password:
        columns.append(("Passcode", "text"))
    if data.registrants:
        columns.append(("Registrants", "num"))
    columns.append(("Detail", "text"))
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-col="{n}" '
        f'data-type="{kind}">{name}</button></th>'
        for n, (name, kind) in enumerate(columns)
    )
    hosts = "".join(
        f'<option value="{escape(h.lower())}">{escape(h)}</option>' for h in hosts_of(data.rows)
    )
    statuses = "".join(
        f'<option value="{escape(s)}">{escape(s)}</option>'
        for s in sorted({row.status for row in data.rows})
    )
    day_options = "".join(f'<option value="{d}">{d}</option>' for d in sorted(all_days))
    return (
        '<form class="filters" id="filters" role="search" aria-label="Filter rows">'
        f'<label>Host <select name="host"><option value="">all</option>{hosts}</select></label>'
        f'<label>Status <select name="status"><option value="">all</option>{statuses}'
        "</select></label>"
        f'<label>Day ({escape(zone)}) <select name="day"><option value="">all</option>{day_options}'
        "</select></label>"
        '<button type="reset">Show all</button>'
        f'<output id="shown" aria-live="polite">{len(data.rows)} of {len(data.rows)} rows</output>'
        "</form>"
        f'<table class="rows" id="rows-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


# The pattern that draws "still to send" in the quota charts.
HATCH = (
    '<svg class="defs" aria-hidden="true" width="0" height="0"><defs>'
    '<pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect class="hatch-bg" width="5" height="5"/>'
    '<rect class="hatch-line" width="2" height="5"/></pattern></defs></svg>'
)


def render(data: ReportInput) -> str:
    """The whole report as one HTML document."""
    zone = display_zone(data.rows, data.default_zone)
    found = occurrences(data.rows)
    over = mark_over_limit(found, data.crowded)
    hosts = hosts_of(data.rows)
    style, script = _asset("report.css"), _asset("report.js")
    policy = (
        f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
        "img-src data:; form-action 'none'; base-uri 'none'"
    )
    shown = {row.row for row in data.rows if row.row is not None}
    title = f"batchzoom report: {data.roster.rsplit('/', 1)[-1]}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title)}</title><style>{style}</style></head><body>"
        '<a class="skip" href="#rows">Skip to the rows table</a>'
        f"{HATCH}"
        f"{_header(data, zone, over)}<main>"
        f'<section id="timetable" aria-labelledby="h-tt"><h2 id="h-tt">Timetable</h2>'
        f"<p>Times in <strong>{escape(zone)}</strong>, one lane per host; each sitting of a "
        "repeating session is drawn. Hover over or tab to a session for its details.</p>"
        f"{_legend()}{timetable(found, data, zone, hosts)}</section>"
        '<section id="quota" aria-labelledby="h-q"><h2 id="h-q">Daily quota</h2>'
        f"<p>Creates and updates per host per UTC day, out of Zoom's {data.daily_limit}. "
        "Solid: sent; hatched: still to send (a later day resumes at 00:00 UTC).</p>"
        f"{quota_section(quota_days(data), data.daily_limit)}</section>"
        '<section id="problems" aria-labelledby="h-p"><h2 id="h-p">Problems</h2>'
        f"{_problems(data, shown)}</section>"
        '<section id="rows" aria-labelledby="h-r"><h2 id="h-r">Rows</h2>'
        f"{_rows_table(data, found, zone)}</section>"
        f"</main><script>{script}</script></body></html>\n"
    )
