"""``sync`` removes a webinar's panelists only as its plan showed and its user approved, gives
a webinar it makes its panelists whatever the answer on additions, and says what it did to
panelists, against the sandbox over HTTP."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from batchzoom.cli import cli
from batchzoom.core.errors import MalformedAnswerError
from batchzoom.engine.journal import Journal, default_path
from batchzoom.engine.sync_plan import SyncPlan
from batchzoom.engine.webinars import PanelistChange, PanelistsAdded, _apply, panelist_book
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom.webinars import Panelist
from tests.conftest import MakeSettings, sandbox_env
from tests.rosters import write_csv
from tests.test_panelists_sync import HEADERS, HOST, A, B, C, Sheet, rows

D = "dan@outside.example"


class Proxy(httpx.BaseTransport):
    """Real HTTP, except that the ``nth`` ``method`` request to a path ending in ``path``
    is answered by a proxy's HTML 404 page, never reaching the sandbox."""

    def __init__(self, method: str, path: str, *, nth: int = 1) -> None:
        self.inner = httpx.HTTPTransport()
        self.method, self.path, self.nth, self.seen = method, path, nth, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == self.method and request.url.path.endswith(self.path):
            self.seen += 1
            if self.seen == self.nth:
                page = b"<html><body><h1>404 Not Found</h1></body></html>"
                return httpx.Response(404, headers={"Content-Type": "text/html"}, content=page)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    users = [SandboxUser("alice@school.example"), SandboxUser(HOST, webinar=True)]
    return sandbox_factory(SandboxConfig(users=users))


@pytest.fixture
def sheet(tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings) -> Sheet:
    return Sheet(tmp_path, sandbox, make_settings)


def test_a_listing_that_stops_the_plan_leaves_every_later_webinar_without_removals(
    sheet: Sheet,
) -> None:
    sheet.write(f"{A}; {B}", other=C)
    sheet.sync()
    assert sheet.panelists("OTHER") == [C]
    sheet.write(A, other="")  # B out of WEB, C out of OTHER
    sheet.plans.clear()
    web = sheet.ids["WEB"]
    report = sheet.sync(transport=Proxy("GET", f"/webinars/{web}/panelists"))
    # WEB's listing failed: the plan compared neither webinar, showed no removal...
    assert any(f"row 3: the panelists of webinar {web}" in w for w in report.warnings)
    assert sheet.plans == []  # nothing was asked
    # ...so nobody was removed, not even OTHER's C, whom the plan never named.
    assert sheet.panelists() == [A, B]
    assert sheet.panelists("OTHER") == [C]
    assert sheet.count("webinarPanelistDelete") == 0
    assert report.panelists_removed == 0
    # The next run plans both removals, asks, and applies them.
    sheet.plans.clear()
    report = sheet.sync()
    [plan] = sheet.plans
    assert plan.panelist_removals == 2
    assert report.panelists_removed == 2 and report.applied
    assert sheet.panelists() == [A] and sheet.panelists("OTHER") == []


def test_declining_the_additions_still_gives_a_webinar_made_this_run_its_panelists(
    sheet: Sheet,
) -> None:
    new = ["NEW", "Third lecture", "2027-05-06 10:00", "Asia/Seoul", "60", HOST, "webinar",
           f"{C}; {D}", ""]  # fmt: skip
    write_csv(sheet.path, [*rows(f"{A}; {B}; {C}"), new], HEADERS)

    def no_additions(plan: SyncPlan) -> bool:
        assert plan.panelist_additions == 1  # C on WEB; NEW's are its create step's
        plan.add_panelists = False
        return True

    report = sheet.sync(approve=no_additions)
    made = next(o for o in report.outcomes if o.key == "NEW")
    assert made.status == "created" and made.meeting_id is not None
    sheet.ids["NEW"] = made.meeting_id
    assert sheet.panelists("NEW") == [C, D]
    assert sheet.panelists() == [A, B]  # the addition declined
    assert report.panelists_added == 2


def test_a_plan_says_row_or_rows_by_the_rows_it_names(sheet: Sheet) -> None:
    sheet.write(f"{C}; {D}")  # two panelists in, two out, all on row 3
    report = sheet.sync(dry_run=True)
    assert report.plan is not None
    assert report.plan.panelist_lines() == [
        "Panelists: 2 to add, on row 3.",
        "Panelists: 2 to remove from Zoom, on row 3 (gone from its panelists cell; batchzoom "
        "removes only panelists it added).",
    ]


def test_the_command_line_says_what_it_did_to_panelists_and_json_counts_it(
    sheet: Sheet,
) -> None:
    env = sandbox_env(sheet.sandbox)
    sheet.write(f"{A}; {C}")  # B out, C in
    done = CliRunner().invoke(cli, ["sync", str(sheet.path), "--yes"], env=env)
    assert done.exit_code == 0, done.output
    assert "1 webinar panelist added, 1 webinar panelist removed." in done.stdout.splitlines()
    sheet.write(C)  # A out: a panelist change only, no step
    shown = CliRunner().invoke(cli, ["sync", str(sheet.path), "--yes", "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert (document["panelists_added"], document["panelists_removed"]) == (0, 1)
    assert document["applied"] is True  # Zoom was changed, though no step was
    assert {"counts", "rows", "warnings", "missing_rows"} <= set(document)
    assert sheet.panelists() == [C]
    calm = CliRunner().invoke(cli, ["sync", str(sheet.path), "--yes"], env=env)
    assert "webinar panelist" not in calm.stdout
    assert (
        json.loads(
            CliRunner().invoke(cli, ["sync", str(sheet.path), "--yes", "--json"], env=env).stdout
        )["applied"]
        is False
    )


def test_schedule_says_how_many_panelists_it_added(tmp_path: Path, sandbox: Sandbox) -> None:
    env = sandbox_env(sandbox)
    path = tmp_path / "fresh.csv"
    write_csv(path, rows(f"{A}; {B}", other=C), HEADERS)
    done = CliRunner().invoke(cli, ["schedule", str(path), "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["panelists_added"] == 3
    again = tmp_path / "again.csv"
    write_csv(again, rows(D), HEADERS)
    said = CliRunner().invoke(cli, ["schedule", str(again)], env=env)
    assert said.exit_code == 0, said.output
    assert "1 webinar panelist added." in said.stdout.splitlines()


def test_a_proxys_404_to_a_removal_keeps_the_record_and_the_next_run_removes_it(
    sheet: Sheet,
) -> None:
    sheet.write(A)
    report = sheet.sync(transport=Proxy("DELETE", "/panelists/" + _id_of(sheet, B)))
    assert report.panelists_removed == 0
    assert any("row 3: the panelists of webinar" in w for w in report.warnings)
    assert sheet.panelists() == [A, B]
    assert (B, "removing") in _states(sheet)  # still batchzoom's to remove
    report = sheet.sync()
    assert report.panelists_removed == 1
    assert sheet.panelists() == [A]


def test_a_malformed_404_to_a_removal_is_a_failure_not_a_removal(tmp_path: Path) -> None:
    """A 404 without Zoom's code 3001 (MalformedAnswerError: a page, not Zoom's JSON) does
    not prove the panelist gone: the record stays batchzoom's and the next run tries."""

    class Refusing:
        def list_panelists(self, webinar_id: int) -> list[Panelist]:
            return []

        def add_panelists(self, webinar_id: int, panelists: object) -> None:
            raise AssertionError("nothing to add")

        def remove_panelist(self, webinar_id: int, panelist_id: str) -> None:
            raise MalformedAnswerError(404, "an HTML page")

    journal = Journal(tmp_path / "j.batchzoom.db", account="acct")
    with journal, panelist_book(journal) as book:
        book.set(7, [A], "added")
        done = PanelistsAdded()
        with pytest.raises(MalformedAnswerError):
            _apply(Refusing(), book, PanelistChange(3, 7, remove=((A, "id-a"),)), done,
                   add=True, remove=True)  # fmt: skip
        assert done.removed == 0
        assert book.of(7)[A].state == "added"


def test_panelists_found_after_a_migration_and_taken_out_of_the_cell_are_named_once(
    sheet: Sheet,
) -> None:
    path = default_path(sheet.path)
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP TABLE panelists")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    db.close()
    sheet.sync()  # migrated: A and B are found
    sheet.write(A)
    report = sheet.sync()
    web = sheet.ids["WEB"]
    assert [w for w in report.warnings if B in w] == [
        f"row 3: {B} left the panelists cell but stays a panelist of webinar {web}: batchzoom "
        "did not add them (or added them before it kept a record), so it does not remove "
        "them; remove them in Zoom if they should go."
    ]
    assert sheet.panelists() == [A, B]
    assert sheet.sync().warnings == []  # said once


def _id_of(sheet: Sheet, email: str) -> str:
    from tests.conftest import quick_client, zoom_settings

    with quick_client(zoom_settings(sheet.sandbox)) as client:
        listed = client.list_panelists(sheet.ids["WEB"])
    return next(p.id or email for p in listed if p.email == email)


def _states(sheet: Sheet) -> list[tuple[str, str]]:
    db = sqlite3.connect(default_path(sheet.path))
    states = db.execute("SELECT email, state FROM panelists ORDER BY email").fetchall()
    db.close()
    return [(email, state) for email, state in states]
