"""Inspection and control paths under ``/_sandbox/``, apart from Zoom's paths.

They need no token (the server listens on loopback only) so a test can drive
a sandbox running in another process:

- ``GET /_sandbox/health`` -> ``{"ok": true}``
- ``GET /_sandbox/meetings`` -> stored meetings, full representation
- ``GET /_sandbox/counters`` -> see ``Counters``
- ``GET /_sandbox/users``; ``POST /_sandbox/users`` with ``{"email", "id"?,
  "first_name"?, "last_name"?, "licensed"?}``
- ``GET /_sandbox/clock``; ``POST /_sandbox/clock`` with ``{"advance": seconds}``,
  ``{"set": "2026-01-01T00:00:00Z"}``, ``{"freeze": true|false}``
- ``GET /_sandbox/faults``; ``POST /_sandbox/faults`` with any of ``latency``,
  ``jitter``, ``fault_rate``, ``drop_rate``, ``seed``, ``clear: true``, and one-shots
  ``fail_next: {operation, status, count}``, ``drop_next: {operation, count}``,
  ``qps_429_next: {operation, count}``
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from batchzoom.sandbox.config import SandboxUser
from batchzoom.sandbox.responses import Request, Response

if TYPE_CHECKING:
    from batchzoom.sandbox.server import Sandbox


def _problem(message: str) -> Response:
    return Response.json(400, {"error": message})


def handle(request: Request, sandbox: Sandbox) -> Response:
    """Serve one admin request."""
    name = request.path.removeprefix("/_sandbox/").strip("/")
    try:
        body: Any = json.loads(request.body.decode("utf-8")) if request.body else {}
    except (UnicodeDecodeError, ValueError):
        return _problem("the body must be JSON")
    if not isinstance(body, dict):
        return _problem("the body must be a JSON object")
    try:
        return _dispatch(request.method, name, body, sandbox)
    except (KeyError, TypeError, ValueError) as error:
        return _problem(str(error))


def _dispatch(method: str, name: str, body: dict[str, Any], sandbox: Sandbox) -> Response:
    if name == "health":
        return Response.json(200, {"ok": True})
    if name == "meetings" and method == "GET":
        return Response.json(200, sandbox.meetings())
    if name == "counters" and method == "GET":
        return Response.json(200, sandbox.counters())
    if name == "users":
        if method == "POST":
            user = sandbox.add_user(SandboxUser(**body))
            return Response.json(201, asdict(user))
        return Response.json(200, [asdict(u) for u in sandbox.users()])
    if name == "clock":
        if method == "POST":
            if "freeze" in body:
                (sandbox.clock.freeze if body["freeze"] else sandbox.clock.unfreeze)()
            if "set" in body:
                sandbox.clock.set(datetime.fromisoformat(str(body["set"]).replace("Z", "+00:00")))
            if "advance" in body:
                sandbox.clock.advance(float(body["advance"]))
        now = sandbox.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        return Response.json(200, {"now": now, "frozen": sandbox.clock.frozen})
    if name == "faults":
        if method == "POST":
            _set_faults(body, sandbox)
        return Response.json(200, sandbox.faults.state())
    return Response.json(404, {"error": f"no sandbox path /_sandbox/{name}"})


def _set_faults(body: dict[str, Any], sandbox: Sandbox) -> None:
    faults = sandbox.faults
    if body.get("clear"):
        faults.clear()
    for key in ("latency", "jitter", "fault_rate", "drop_rate"):
        if key in body:
            setattr(faults, key, float(body[key]))
    if "seed" in body:
        faults.reseed(body["seed"])
    if "fail_next" in body:
        faults.fail_next(**body["fail_next"])
    if "drop_next" in body:
        faults.drop_next(**body["drop_next"])
    if "qps_429_next" in body:
        faults.qps_429_next(**body["qps_429_next"])
