"""Zoom's account-wide daily limit of the batch registrant calls: once Zoom refuses one, the
run sends no more of them (each would be refused again), and the people left wait for the next
run with a sentence that names the account's limit, not their own three additions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from batchzoom.engine.batch import schedule
from batchzoom.engine.planning import load
from batchzoom.sandbox import Sandbox, SandboxConfig
from tests.conftest import MakeSettings, sandbox_users
from tests.test_registrations_http import files, results


def test_one_refusal_of_the_daily_batch_limit_holds_back_the_rest(
    tmp_path: Path, sandbox_factory: Callable[[SandboxConfig], Sandbox], make_settings: MakeSettings
) -> None:
    sandbox = sandbox_factory(SandboxConfig(users=sandbox_users(), daily_by_category={"HEAVY": 1}))
    roster, people = files(tmp_path, one=65, series=2)  # 66 for ONE: three batches of 30
    settings = make_settings(sandbox, roster=roster, attendees=people, rate=50)
    report = schedule(load(roster, settings), settings)
    assert report.registered is not None
    counters = sandbox.counters()
    assert counters["addBatchRegistrants"]["requests"] == 2  # the third was never sent
    assert report.registered.added == 30 + 3  # a batch, and the series' three one by one
    assert report.registered.deferred == 36
    written = results(tmp_path / "people.registered.csv")
    waiting = [row for row in written if "deferred" in row["zoom_status"]]
    assert len(waiting) == 36  # 35 ONE rows, and the "all" row (deferred for ONE only)
    assert all("this account's registration requests" in row["zoom_error"] for row in waiting)
    assert not any("for this person" in row["zoom_error"] for row in waiting)
