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

from batchzoom.core.i18n import N_, _, language, ngettext
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
        (_("Roster"), f"<code>{escape(data.roster)}</code>"),
        (_("Command"), f"<code>{escape(data.command)}</code>"),
        (
            _("Generated"),
            f"{escape(when(generated, zone))} ({generated.astimezone(UTC):%Y-%m-%d %H:%M} UTC)",
        ),
        (_("Times shown in"), f"{escape(zone)}"),
    ]
    if data.plan:
        plan = _("{plan}: a host may run {n} at once").format(plan=data.plan, n=data.concurrency)
        facts.append((_("Zoom plan"), escape(plan)))
    if data.exit_code is not None:
        facts.append(
            (
                _("Exit code"),
                f'<span class="exit">{data.exit_code}</span> {escape(data.exit_meaning)}',
            )
        )
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in facts)
    notes = [escape(w) for w in data.warnings]
    if over:
        notes.append(
            escape(
                ngettext(
                    "{n} session sitting goes beyond what one host may run at once; it is "
                    "marked ⚠ in the timetable.",
                    "{n} session sittings go beyond what one host may run at once; they are "
                    "marked ⚠ in the timetable.",
                    over,
                ).format(n=over)
            )
        )
    if data.problems:
        problems = escape(_("Problems"))
        link = f'<a href="#problems">{problems}</a>'
        count = len(data.problems)
        notes.append(
            escape(
                ngettext(
                    "{n} problem to fix: see {link}.", "{n} problems to fix: see {link}.", count
                )
            ).format(n=count, link=link)
        )
    warned = "".join(f"<li>{note}</li>" for note in notes)
    rows = sum(counts.values())
    title = _("batchzoom report: {name}").format(name=data.roster.rsplit("/", 1)[-1])
    counted = ngettext("{n} row:", "{n} rows:", rows).format(n=rows)
    counts_heading, by_status = escape(_("Counts by status")), escape(_("Rows by status"))
    return (
        f"<header><h1>{escape(title)}</h1>"
        f'<dl class="facts">{dl}</dl>'
        f'<h2 class="sr">{counts_heading}</h2><p>{escape(counted)}</p>'
        f'<ul class="badges" aria-label="{by_status}">{badges}</ul>'
        + (f'<ul class="notes">{warned}</ul>' if warned else "")
        + "</header>"
    )


def _legend() -> str:
    items = "".join(
        f"<li>{status_badge(s)} {escape(_(words))}</li>" for s, (_g, words) in STATUS_LABELS.items()
    )
    summary = escape(_("What the marks mean"))
    beyond = escape(_("beyond what the host may run at once"))
    return (
        f'<details class="legend"><summary>{summary}</summary>'
        f'<ul>{items}<li><span class="badge over">⚠</span> {beyond}</li></ul></details>'
    )


def _problems(data: ReportInput, rows_shown: set[int]) -> str:
    if not data.problems and not data.row_warnings:
        return '<p class="ok">' + escape(_("No problems: every row is valid.")) + "</p>"
    lines = []
    listed = [(p, "") for p in data.problems]
    warning = ' <span class="warn">' + escape(_("warning")) + "</span>"
    listed += [(p, warning) for p in data.row_warnings]
    for problem, kind in sorted(listed, key=lambda item: item[0].row or 0):
        if problem.row is None:
            where = "-"
        elif problem.row in rows_shown:
            where = f'<a href="#row-{problem.row}">{problem.row}</a>'
        else:
            where = str(problem.row)
        lines.append(
            f"<tr><td>{where}</td><td{lang(problem.column)}>{escape(problem.where())}</td>"
            f"<td><code>{escape(problem.code)}</code>{kind}</td>"
            f"<td{lang(problem.message)}>{escape(problem.message)}</td></tr>"
        )
    head = "".join(f'<th scope="col">{escape(_(name))}</th>' for name in PROBLEM_COLUMNS)
    return (
        f'<table class="problems"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(lines)}</tbody></table>"
    )


# The headers of the problems table and the rows table (marked here, shown through ``_``).
PROBLEM_COLUMNS = (N_("Row"), N_("Column"), N_("Problem"), N_("Message"))
ROW_COLUMNS = (
    (N_("Row"), "num"),
    (N_("ID"), "text"),
    (N_("Status"), "text"),
    (N_("Host"), "text"),
    (N_("Topic"), "text"),
    (N_("Start"), "text"),
    (N_("Local start"), "text"),
    (N_("Minutes"), "num"),
    (N_("Sittings"), "num"),
    (N_("Meeting"), "num"),
    (N_("Join link"), "text"),
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
        columns.append((N_("Passcode"), "text"))
    if data.registrants:
        columns.append((N_("Registrants"), "num"))
    columns.append((N_("Detail"), "text"))
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-col="{n}" '
        f'data-type="{kind}">{escape(_(name))}</button></th>'
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
    every = '<option value="">' + escape(_("all")) + "</option>"
    total = len(data.rows)
    # report.js rewrites the count from this template, so it speaks the page's language.
    of = _("{shown} of {total} rows")
    label = {
        "form": escape(_("Filter rows")),
        "host": escape(_("Host")),
        "status": escape(_("Status")),
        "day": escape(_("Day ({zone})").format(zone=zone)),
        "reset": escape(_("Show all")),
    }
    return (
        f'<form class="filters" id="filters" role="search" aria-label="{label["form"]}">'
        f'<label>{label["host"]} <select name="host">{every}{hosts}</select></label>'
        f'<label>{label["status"]} <select name="status">{every}{statuses}'
        "</select></label>"
        f'<label>{label["day"]} <select name="day">{every}'
        f"{day_options}</select></label>"
        f'<button type="reset">{label["reset"]}</button>'
        f'<output id="shown" aria-live="polite" data-template="{escape(of)}">'
        f"{escape(of.format(shown=total, total=total))}</output>"
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
    title = _("batchzoom report: {name}").format(name=data.roster.rsplit("/", 1)[-1])
    heading = {
        "skip": escape(_("Skip to the rows table")),
        "timetable": escape(_("Timetable")),
        "quota": escape(_("Daily quota")),
        "problems": escape(_("Problems")),
        "rows": escape(_("Rows")),
    }
    return (
        f'<!DOCTYPE html>\n<html lang="{language()}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{escape(title)}</title><style>{style}</style></head><body>"
        f'<a class="skip" href="#rows">{heading["skip"]}</a>'
        f"{HATCH}"
        f"{_header(data, zone, over)}<main>"
        f'<section id="timetable" aria-labelledby="h-tt"><h2 id="h-tt">{heading["timetable"]}'
        "</h2><p>"
        + escape(
            _(
                "Times in {zone}, one lane per host; each sitting of a repeating session is "
                "drawn. Hover over or tab to a session for its details."
            )
        ).format(zone=f"<strong>{escape(zone)}</strong>")
        + "</p>"
        f"{_legend()}{timetable(found, data, zone, hosts)}</section>"
        f'<section id="quota" aria-labelledby="h-q"><h2 id="h-q">{heading["quota"]}</h2>'
        "<p>"
        + escape(
            _(
                "Creates and updates per host per UTC day, out of Zoom's {limit}. Solid: sent; "
                "hatched: still to send (a later day resumes at 00:00 UTC)."
            ).format(limit=data.daily_limit)
        )
        + "</p>"
        f"{quota_section(quota_days(data), data.daily_limit)}</section>"
        f'<section id="problems" aria-labelledby="h-p"><h2 id="h-p">{heading["problems"]}</h2>'
        f"{_problems(data, shown)}</section>"
        f'<section id="rows" aria-labelledby="h-r"><h2 id="h-r">{heading["rows"]}</h2>'
        f"{_rows_table(data, found, zone)}</section>"
        f"</main><script>{script}</script></body></html>\n"
    )
