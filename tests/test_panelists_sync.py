"""``sync`` keeps a webinar's panelists in step with its ``panelists`` cell, against the sandbox
over HTTP: a panelist added to the cell is added, one batchzoom added and removed from the
cell is removed, one added by hand in Zoom is never removed, a rerun lists nobody, and a
crash or a lost answer changes nobody twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from batchzoom.engine.batch import schedule
from batchzoom.engine.journal import SCHEMA_VERSION, Journal, default_path
from batchzoom.engine.planning import load
from batchzoom.engine.settings import Settings
from batchzoom.engine.sync import SyncReport, sync
from batchzoom.engine.sync_plan import SyncPlan
from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser
from batchzoom.zoom import ZoomRequestError
from batchzoom.zoom.webinars import Panelist
from tests.conftest import MakeSettings, quick_client, zoom_settings
from tests.crashes import Crash, CrashingTransport
from tests.rosters import write_csv

HEADERS = ("ID", "Topic", "Start", "Time zone", "Duration", "Host", "Kind", "Panelists", "Status")
HOST = "dana@school.example"  # holds the Webinar add-on
A, B, C = "ann@outside.example", "ben@outside.example", "cho@outside.example"
BY_HAND = "hand.added@outside.example"


def rows(web: str, other: str = "") -> list[list[str]]:
    """A meeting, a webinar (WEB, row 3) with panelists ``web``, another (OTHER, row 4)."""
    return [
        ["MEET", "Staff meeting", "2027-05-03 09:00", "Asia/Seoul", "50", HOST, "", "", ""],
        ["WEB", "Open lecture", "2027-05-04 10:00", "Asia/Seoul", "90", HOST, "webinar", web, ""],
        ["OTHER", "Second lecture", "2027-05-05 10:00", "Asia/Seoul", "60", HOST, "웨비나",
         other, ""],
    ]  # fmt: skip


@pytest.fixture
def sandbox(sandbox_factory: Callable[[SandboxConfig], Sandbox]) -> Sandbox:
    users = [SandboxUser("alice@school.example"), SandboxUser(HOST, webinar=True)]
    return sandbox_factory(SandboxConfig(users=users))


class Sheet:
    """The roster of a test, scheduled once; ``sync`` runs against the sandbox."""

    def __init__(self, tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings) -> None:
        self.path = tmp_path / "roster.csv"
        self.sandbox = sandbox
        self.make_settings = make_settings
        self.write(f"{A}; {B}")
        settings = self.settings()
        report = schedule(load(self.path, settings), settings)
        self.ids = {o.key: o.meeting_id or 0 for o in report.outcomes}
        self.plans: list[SyncPlan] = []

    def settings(self, **flags: object) -> Settings:
        return self.make_settings(self.sandbox, roster=self.path, rate=50, **flags)

    def write(self, web: str, other: str = "") -> None:
        write_csv(self.path, rows(web, other), HEADERS)

    def sync(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        approve: Callable[[SyncPlan], bool] | None = None,
        dry_run: bool = False,
    ) -> SyncReport:
        settings = self.settings(dry_run=dry_run)
        loaded = load(self.path, settings)

        def confirm(plan: SyncPlan) -> bool:
            self.plans.append(plan)
            return approve(plan) if approve is not None else True

        return sync(loaded, settings, confirm=confirm, transport=transport)

    def panelists(self, key: str = "WEB") -> list[str]:
        with quick_client(zoom_settings(self.sandbox)) as client:
            return sorted(p.email for p in client.list_panelists(self.ids[key]))

    def add_by_hand(self, email: str, key: str = "WEB") -> None:
        with quick_client(zoom_settings(self.sandbox)) as client:
            client.add_panelists(self.ids[key], [Panelist(name="By hand", email=email)])

    def count(self, operation: str) -> int:
        return int(self.sandbox.counters().get(operation, {}).get("requests", 0))

    def counts(self) -> tuple[int, int, int]:
        """(listings, additions, removals) of panelists sent so far."""
        return (
            self.count("webinarPanelists"),
            self.count("webinarPanelistCreate"),
            self.count("webinarPanelistDelete"),
        )


@pytest.fixture
def sheet(tmp_path: Path, sandbox: Sandbox, make_settings: MakeSettings) -> Sheet:
    return Sheet(tmp_path, sandbox, make_settings)


def test_schedule_journals_the_panelists_it_adds_so_a_sync_of_the_same_sheet_lists_none(
    sheet: Sheet,
) -> None:
    assert sheet.panelists() == [A, B]
    before = sheet.counts()
    report = sheet.sync()
    assert {o.status for o in report.outcomes} == {"unchanged"}
    assert sheet.counts() == before  # no listing, no addition, no removal
    assert report.plan is not None and report.plan.panelist_lines() == []
    assert sheet.plans == []  # nothing to confirm


def test_a_panelist_added_to_the_cell_of_an_unchanged_webinar_is_added_alone(
    sheet: Sheet,
) -> None:
    sheet.write(f"{A}; {B}; {C}")
    listings, additions, removals = sheet.counts()
    report = sheet.sync()
    assert {o.key: o.status for o in report.outcomes}["WEB"] == "unchanged"
    assert sheet.panelists() == [A, B, C]
    # One listing (of WEB only: OTHER's empty cell is what the journal holds), one addition.
    assert sheet.counts() == (listings + 1 + 1, additions + 1, removals)  # +1: our own look
    assert report.panelists_added == 1
    [plan] = sheet.plans
    assert plan.panelist_lines() == ["Panelists: 1 to add, on row 3."]
    assert plan.panelist_removals == 0
    # Again: the cell is what the journal says was applied; nothing is listed.
    before = sheet.counts()
    again = sheet.sync()
    assert sheet.counts() == before
    assert again.panelists_added == 0


def test_a_panelist_batchzoom_added_is_removed_and_one_added_by_hand_never(sheet: Sheet) -> None:
    sheet.add_by_hand(BY_HAND)
    sheet.write(A)  # B removed from the cell
    report = sheet.sync()
    assert sheet.panelists() == [A, BY_HAND]
    assert sheet.count("webinarPanelistDelete") == 1
    assert report.panelists_removed == 1
    [plan] = sheet.plans
    assert plan.panelist_lines() == [
        "Panelists: 1 to remove from Zoom, on row 3 (gone from its panelists cell; batchzoom "
        "removes only panelists it added)."
    ]
    # The one added by hand, written into the cell, is found there, not added...
    sheet.write(f"{A}; {BY_HAND.upper()}")
    additions = sheet.count("webinarPanelistCreate")
    sheet.sync()
    assert sheet.count("webinarPanelistCreate") == additions
    # ...and taken out of the cell again, it stays on Zoom: batchzoom did not add it.
    sheet.write(A)
    sheet.sync()
    assert sheet.panelists() == [A, BY_HAND]
    assert sheet.count("webinarPanelistDelete") == 1
    # Everything in step now: a rerun changes and lists nothing.
    before = sheet.counts()
    sheet.sync()
    assert sheet.counts() == before


def test_a_removal_declined_at_the_confirmation_is_asked_again_next_time(sheet: Sheet) -> None:
    sheet.write(f"{B}; {C}")  # A out, C in

    def keep_everyone(plan: SyncPlan) -> bool:
        plan.remove_panelists = False
        return True

    report = sheet.sync(approve=keep_everyone)
    assert sheet.panelists() == [A, B, C]  # C added, A kept
    assert (report.panelists_added, report.panelists_removed) == (1, 0)
    sheet.sync()
    assert sheet.plans[-1].panelist_removals == 1
    assert sheet.plans[-1].panelist_additions == 0
    assert sheet.panelists() == [B, C]


def test_a_dry_run_plans_from_the_journal_and_asks_zoom_nothing(sheet: Sheet) -> None:
    sheet.write(f"{A}; {C}", other=B)
    before = sheet.counts()
    report = sheet.sync(dry_run=True)
    assert sheet.counts() == before
    assert report.plan is not None
    assert report.plan.panelist_lines() == [
        "Panelists: 2 to add, on rows 3, 4.",
        "Panelists: 1 to remove from Zoom, on row 3 (gone from its panelists cell; batchzoom "
        "removes only panelists it added).",
    ]
    assert sheet.panelists() == [A, B]
    assert sheet.panelists("OTHER") == []


def test_a_webinar_deleted_on_zoom_and_made_again_gets_its_panelists(sheet: Sheet) -> None:
    with quick_client(zoom_settings(sheet.sandbox)) as client:
        client.delete_webinar(sheet.ids["WEB"])
    report = sheet.sync()
    new_id = next(o.meeting_id for o in report.outcomes if o.key == "WEB")
    assert new_id is not None and new_id != sheet.ids["WEB"]
    sheet.ids["WEB"] = new_id
    assert sheet.panelists() == [A, B]
    before = sheet.counts()
    sheet.sync()
    assert sheet.counts() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/panelists"),  # C's addition reached Zoom, its answer lost
        ("DELETE", f"/panelists/{B}"),  # B's removal reached Zoom, its answer lost
    ],
)
def test_a_sync_killed_after_a_panelist_change_and_run_again_changes_each_once(
    sheet: Sheet, method: str, path: str
) -> None:
    sheet.write(f"{A}; {C}")
    ids = {}
    with quick_client(zoom_settings(sheet.sandbox)) as client:
        ids = {p.email: p.id for p in client.list_panelists(sheet.ids["WEB"])}
    path = path.replace(B, ids[B] or B)
    with pytest.raises(Crash):
        sheet.sync(transport=CrashingTransport(method, path, after_response=True))
    sheet.sync()
    assert sheet.panelists() == [A, C]
    assert sheet.count("webinarPanelistCreate") == 2  # schedule's, then C's once
    assert sheet.count("webinarPanelistDelete") == 1
    before = sheet.counts()
    sheet.sync()
    assert sheet.counts() == before


def test_a_refused_addition_is_a_warning_and_the_next_run_adds_it(sheet: Sheet) -> None:
    sheet.write(f"{A}; {B}; {C}")
    sheet.sandbox.faults.fail_next("webinarPanelistCreate", status=400)
    report = sheet.sync()
    assert any("row 3: the panelists of webinar" in warning for warning in report.warnings)
    assert sheet.panelists() == [A, B]
    sheet.sync()
    assert sheet.panelists() == [A, B, C]


def test_a_journal_of_version_1_is_migrated_and_keeps_its_rows(sheet: Sheet) -> None:
    """A journal made before panelists were journalled: its rows stay, and the panelists it
    finds on Zoom are not taken for batchzoom's (so never removed)."""
    path = default_path(sheet.path)
    db = sqlite3.connect(path)
    with db:
        db.execute("DROP TABLE panelists")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
    db.close()
    report = sheet.sync()
    assert {o.status for o in report.outcomes} == {"unchanged"}
    db = sqlite3.connect(path)
    version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    states = db.execute("SELECT email, state FROM panelists ORDER BY email").fetchall()
    db.close()
    assert int(version) == SCHEMA_VERSION == 2
    assert states == [(A, "found"), (B, "found")]
    sheet.write(A)
    sheet.sync()
    assert sheet.panelists() == [A, B]  # B may have been added by hand: kept
    assert sheet.count("webinarPanelistDelete") == 0


def test_a_journal_of_a_newer_batchzoom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.batchzoom.db"
    with Journal(path, account="acct"):
        pass
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION + 1),))
    db.close()
    with pytest.raises(Exception, match="newer batchzoom"):
        Journal(path, account="acct")


def test_the_sandbox_removes_one_panelist_by_id_or_email_as_zoom_documents(
    sheet: Sheet,
) -> None:
    webinar = sheet.ids["WEB"]
    with quick_client(zoom_settings(sheet.sandbox)) as client:
        ids = {p.email: p.id for p in client.list_panelists(webinar)}
        client.remove_panelist(webinar, ids[A] or "")
        client.remove_panelist(webinar, B.upper())  # "The panelist's ID or email."
        assert client.list_panelists(webinar) == []
        with pytest.raises(ZoomRequestError) as unknown:
            client.remove_panelist(webinar, "no-such-panelist")
        assert (unknown.value.status, unknown.value.code) == (404, 3001)
        with pytest.raises(ZoomRequestError) as gone:
            client.remove_panelist(999, "x")
        assert (gone.value.status, gone.value.code) == (404, 3001)
    counters = sheet.sandbox.counters()["webinarPanelistDelete"]
    assert counters["committed"] == 2


def test_the_command_line_shows_each_panelist_change_and_asks_before_removing(
    sheet: Sheet, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from batchzoom.cli import cli
    from batchzoom.cli import sync as sync_command
    from tests.conftest import sandbox_env

    sheet.write(f"{B}; {C}")  # A out, C in
    env = sandbox_env(sheet.sandbox)
    args = ["sync", str(sheet.path)]
    dry = CliRunner().invoke(cli, [*args, "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Panelists: 1 to add, on row 3." in dry.stdout.splitlines()
    refused = CliRunner().invoke(cli, args, env=env)  # cron without --yes: nobody to ask
    assert refused.exit_code != 0 and "Nothing was changed" in refused.stderr
    assert sheet.panelists() == [A, B]
    monkeypatch.setattr(sync_command, "can_ask", lambda: True)  # as at a terminal
    answered = CliRunner().invoke(cli, args, env=env, input="y\nn\n")
    assert answered.exit_code == 0, answered.output
    assert "Add 1 panelist? [y/N]: y\n" in answered.stdout
    assert "Remove 1 panelist from its webinar on Zoom? [y/N]: n\n" in answered.stdout
    assert sheet.panelists() == [A, B, C]
    again = CliRunner().invoke(cli, args, env=env, input="y\n")
    assert again.exit_code == 0, again.output
    assert "Add" not in again.stdout
    assert sheet.panelists() == [B, C]
    calm = CliRunner().invoke(cli, [*args, "--yes"], env=env)
    assert calm.exit_code == 0, calm.output
    assert "Panelists:" not in calm.stdout


def test_a_lost_answer_to_an_addition_is_settled_by_the_next_listing_not_sent_again(
    sheet: Sheet,
) -> None:
    """Zoom added C but the answer never came (the connection closed): the run warns, the
    journal keeps C's intent, and the next run finds C listed and takes it for its own."""
    sheet.write(f"{A}; {B}; {C}")
    sheet.sandbox.faults.drop_next("webinarPanelistCreate")
    report = sheet.sync()
    assert any("row 3: the panelists of webinar" in warning for warning in report.warnings)
    assert sheet.panelists() == [A, B, C]
    additions = sheet.count("webinarPanelistCreate")
    sheet.sync()
    assert sheet.count("webinarPanelistCreate") == additions  # not sent again
    sheet.write(f"{A}; {B}")  # and C, batchzoom's, goes when it leaves the cell
    sheet.sync()
    assert sheet.panelists() == [A, B]


def test_a_lost_answer_to_a_removal_is_sent_again_and_its_404_taken_as_done(
    sheet: Sheet,
) -> None:
    sheet.write(A)
    sheet.sandbox.faults.drop_next("webinarPanelistDelete")
    report = sheet.sync()
    assert report.panelists_removed == 1 and report.warnings == []
    assert sheet.panelists() == [A]
    counters = sheet.sandbox.counters()["webinarPanelistDelete"]
    assert counters["requests"] == 2  # the retry of a delete, answered 404
    assert counters["responses"].get("404") == 1
    before = sheet.counts()
    sheet.sync()
    assert sheet.counts() == before


def test_removing_a_panelist_never_sends_the_path_that_removes_them_all(sheet: Sheet) -> None:
    with quick_client(zoom_settings(sheet.sandbox)) as client, pytest.raises(ValueError):
        client.remove_panelist(sheet.ids["WEB"], " ")
    assert "webinarPanelistsDelete" not in sheet.sandbox.counters()
    assert sheet.panelists() == [A, B]
