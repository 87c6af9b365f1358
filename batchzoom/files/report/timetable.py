"""The report's two pictures: the timetable (a lane per host, a table per week) and the
daily-quota chart (inline SVG). Both return HTML text; every value is escaped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape

from batchzoom.core.i18n import N_, _, language, ngettext
from batchzoom.core.tzdb import zone as tz_zone
from batchzoom.files.report.data import (
    STATUS_LABELS,
    Occurrence,
    QuotaDay,
    ReportInput,
    is_korean,
    week_of,
    without_password,
)
from batchzoom.model.local_times import local_then_utc

_LATIN = re.compile("[A-Za-z]")
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)


def lang(text: str | None) -> str:
    """A ``lang`` attribute for text not in the page's language, so it is read (and broken)
    as what it is: Korean text on an English page, Latin-only text on a Korean page."""
    if language() == "ko":
        return ' lang="en"' if text and not is_korean(text) and _LATIN.search(text) else ""
    return ' lang="ko"' if is_korean(text) else ""


def status_badge(status: str, count: int | None = None) -> str:
    """A status as glyph, word (and count): colour never carries it alone."""
    glyph, words = STATUS_LABELS.get(status, ("•", status))
    number = f' <span class="n">{count}</span>' if count is not None else ""
    return (
        f'<span class="badge s-{_css(status)}" title="{escape(_(words))}">'
        f'<span aria-hidden="true">{glyph}</span> {escape(status)}{number}</span>'
    )


def _css(status: str) -> str:
    return status.replace(" ", "-")


def when(moment: datetime, zone: str) -> str:
    """``2027-03-02 Tue 18:00 KST``: a moment in ``zone`` as people read it."""
    local = moment.astimezone(tz_zone(zone))
    return f"{local:%Y-%m-%d} {_(WEEKDAYS[local.weekday()])} {local:%H:%M} {local:%Z}"


def _tip(item: Occurrence, data: ReportInput, shown_zone: str) -> str:
    row = item.row
    zone = row.zone or "UTC"
    lines = [
        "<b>"
        + escape(_("Row {row}").format(row=row.row))
        + "</b>"
        + (f" · {escape(row.key)}" if row.key else ""),
        f"<span{lang(row.topic)}>{escape(row.topic or '')}</span>",
        f"{escape(row.status)}: {escape(_(STATUS_LABELS.get(row.status, ('', row.status))[1]))}",
        escape(_("Local: {when} ({zone})").format(when=when(item.start, zone), zone=zone)),
        escape(_("UTC: {when}").format(when=f"{item.start_utc:%Y-%m-%d %H:%M}")),
    ]
    if zone != shown_zone:
        lines.append(
            escape(
                _("Shown in {zone}: {when}").format(
                    zone=shown_zone, when=when(item.start, shown_zone)
                )
            )
        )
    extra = _("{minutes} min").format(minutes=row.duration) if row.duration else ""
    if item.of > 1:
        sitting = _("sitting {number} of {total}").format(number=item.number, total=item.of)
        extra += (" · " if extra else "") + sitting
    if extra:
        lines.append(extra)
    if item.over_limit:
        if data.plan:
            beyond = ngettext(
                "Beyond the {n} meeting this host may run at once on the {plan} plan",
                "Beyond the {n} meetings this host may run at once on the {plan} plan",
                data.concurrency,
            ).format(n=data.concurrency, plan=data.plan)
        else:
            beyond = ngettext(
                "Beyond the {n} meeting this host may run at once",
                "Beyond the {n} meetings this host may run at once",
                data.concurrency,
            ).format(n=data.concurrency)
        lines.append(escape(beyond))
    if row.host:
        lines.append(escape(_("Host: {host}").format(host=row.host)))
    links = []
    if row.row is not None:
        words = escape(_("row {row} in the table").format(row=row.row))
        links.append(f'<a href="#row-{row.row}">{words}</a>')
    link = row.join_url if data.include_password else without_password(row.join_url)
    if link:
        words = escape(_("join link"))
        links.append(f'<a href="{escape(link)}" rel="noreferrer">{words}</a>')
    if links:
        lines.append(" · ".join(links))
    return '<span class="tip" role="tooltip">' + "<br>".join(lines) + "</span>"


def _chip(item: Occurrence, data: ReportInput, zone: str) -> str:
    row = item.row
    glyph = STATUS_LABELS.get(row.status, ("•", ""))[0]
    local = item.start.astimezone(tz_zone(zone))
    over = " over" if item.over_limit else ""
    flag = ""
    if item.over_limit:
        flag = '<span class="flag">⚠ ' + escape(_("too many at once")) + "</span>"
    return (
        f'<div class="ev s-{_css(row.status)}{over}" tabindex="0" data-row="{row.row}">'
        f'<span class="g" aria-hidden="true">{glyph}</span>'
        f'<span class="sr">{escape(row.status)}</span> '
        f"<time>{local:%H:%M}</time> "
        f'<span class="t"{lang(row.topic)}>{escape(row.topic or "")}</span>'
        f"{flag}{_tip(item, data, zone)}</div>"
    )


def timetable(found: Sequence[Occurrence], data: ReportInput, zone: str, hosts: list[str]) -> str:
    """One table per week, one lane (table row) per host, one column per day, in ``zone``."""
    if not found:
        return "<p>" + escape(_("No session has a start to draw (every row is invalid).")) + "</p>"
    where = tz_zone(zone)
    weeks: dict[date, dict[tuple[str, date], list[Occurrence]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for item in found:
        day = item.start.astimezone(where).date()
        weeks[week_of(day)][((item.row.host or "").lower(), day)].append(item)
    parts = []
    for monday in sorted(weeks):
        cells = weeks[monday]
        days = [monday + timedelta(days=n) for n in range(7)]
        count = sum(len(items) for items in cells.values())
        head = "".join(
            f'<th scope="col">{_(WEEKDAYS[n])} <span class="d">{day:%m-%d}</span></th>'
            for n, day in enumerate(days)
        )
        body = []
        for host in hosts:
            lane = [cells.get((host.lower(), day), []) for day in days]
            if not any(lane):
                continue
            tds = "".join(
                "<td>" + "".join(_chip(item, data, zone) for item in items) + "</td>"
                for items in lane
            )
            body.append(f'<tr><th scope="row" class="host">{escape(host)}</th>{tds}</tr>')
        caption = ngettext(
            "Week of {monday} ({count} session)", "Week of {monday} ({count} sessions)", count
        ).format(monday=f"{monday:%Y-%m-%d}", count=count)
        parts.append(
            f'<table class="week"><caption>{escape(caption)}</caption>'
            '<thead><tr><th scope="col">' + escape(_("Host")) + f"</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )
    return "\n".join(parts)


BAR, GAP, CHART_H, LEFT, BOTTOM = 22, 6, 90, 34, 30


def quota_chart(host: str, days: Sequence[QuotaDay], limit: int) -> str:
    """A small bar chart: creates per UTC day (solid: sent, hatched: still to send)."""
    top = max([limit, *(d.used + d.pending for d in days)])
    scale = CHART_H / top
    width = LEFT + len(days) * (BAR + GAP) + GAP
    height = CHART_H + BOTTOM + 8
    base = CHART_H + 8
    limit_y = base - limit * scale
    summary = "; ".join(
        (
            _("{day}: {used} sent, {pending} to send") if d.pending else _("{day}: {used} sent")
        ).format(day=f"{d.day:%Y-%m-%d}", used=d.used, pending=d.pending)
        for d in days
    )
    label = _("{host}, creates and updates per UTC day out of {limit}: {summary}").format(
        host=host, limit=limit, summary=summary
    )
    out = [
        f'<svg class="quota" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}">',
        f'<line class="limit" x1="{LEFT - 4}" x2="{width}" y1="{limit_y:.1f}" y2="{limit_y:.1f}"/>',
        f'<text class="axis" x="{LEFT - 6}" y="{limit_y + 3:.1f}" text-anchor="end">{limit}</text>',
        f'<text class="axis" x="{LEFT - 6}" y="{base:.1f}" text-anchor="end">0</text>',
    ]
    for n, item in enumerate(days):
        x = LEFT + GAP + n * (BAR + GAP)
        used_h = item.used * scale
        pend_h = item.pending * scale
        day = f"{item.day:%Y-%m-%d}"
        # A day resumes only when it has rows to send (``quota_days``): three whole sentences.
        if item.resume_at is not None:
            title = _("{day} UTC: {used} sent, {pending} still to send (resumes {when})").format(
                day=day,
                used=item.used,
                pending=item.pending,
                when=local_then_utc(item.resume_at, item.zone),
            )
        elif item.pending:
            title = _("{day} UTC: {used} sent, {pending} still to send").format(
                day=day, used=item.used, pending=item.pending
            )
        else:
            title = _("{day} UTC: {used} sent").format(day=day, used=item.used)
        out.append(f"<g><title>{escape(title)}</title>")
        if used_h:
            out.append(
                f'<rect class="used" x="{x}" y="{base - used_h:.1f}" width="{BAR}" '
                f'height="{used_h:.1f}"/>'
            )
        if pend_h:
            out.append(
                f'<rect class="pending" x="{x}" y="{base - used_h - pend_h:.1f}" width="{BAR}" '
                f'height="{pend_h:.1f}"/>'
            )
        out.append(
            f'<text class="axis" x="{x + BAR / 2}" y="{base + 12}" text-anchor="middle">'
            f"{item.day:%d}</text>"
            f'<text class="axis" x="{x + BAR / 2}" y="{base + 22}" text-anchor="middle">'
            f"{escape(_(MONTHS[item.day.month - 1]))}</text></g>"
        )
    out.append("</svg>")
    return "".join(out)


def quota_section(days: Sequence[QuotaDay], limit: int) -> str:
    """Every host's chart, with the days it is held back and when it resumes, in words."""
    if not days:
        return "<p>" + escape(_("No creates or updates recorded, and none to send.")) + "</p>"
    by_host: dict[str, list[QuotaDay]] = defaultdict(list)
    for item in days:
        by_host[item.host].append(item)
    parts = []
    for host, items in by_host.items():
        held = [d for d in items if d.resume_at is not None]
        words = "".join(
            "<li>"
            + escape(
                _("{pending} held back to {day}: resumes {when}").format(
                    pending=d.pending,
                    day=f"{d.day:%Y-%m-%d}",
                    when=local_then_utc(d.resume_at, d.zone),
                )
            )
            + "</li>"
            for d in held
            if d.resume_at is not None
        )
        parts.append(
            f'<figure class="host-quota"><figcaption>{escape(host)}</figcaption>'
            f"{quota_chart(host, items, limit)}"
            + (f'<ul class="held">{words}</ul>' if words else "")
            + "</figure>"
        )
    return "".join(parts)
