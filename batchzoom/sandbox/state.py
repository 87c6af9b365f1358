"""The sandbox account's state: users, access tokens and meetings, optionally kept in a file."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import random
import secrets
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from batchzoom.sandbox.clock import SandboxClock
from batchzoom.sandbox.config import SandboxConfig, SandboxUser


class Store:
    """Users, tokens and meetings of one account, guarded by one lock.

    Callers hold ``lock`` around read-modify-write sequences; ``save()``
    writes the state file atomically (temporary file, then rename) when one
    is configured.
    """

    def __init__(self, config: SandboxConfig, clock: SandboxClock) -> None:
        self.lock = threading.RLock()
        self.config = config
        self.clock = clock
        self.rng = random.Random(config.seed)
        self.users: list[SandboxUser] = []
        self.tokens: dict[str, float] = {}
        self.meetings: dict[int, dict[str, Any]] = {}  # id -> {"meeting", "identity"}
        # id -> {"webinar", "identity", "registrants", "panelists"}; a meeting's record
        # holds its "registrants" too.
        self.webinars: dict[int, dict[str, Any]] = {}
        self.page_tokens: dict[str, tuple[float, list[int], int]] = {}
        self.path = Path(config.state_file) if config.state_file else None
        self.saved_limits: dict[str, Any] = {}  # rate-limit counts read from the state file
        self.limits_snapshot: Callable[[], dict[str, Any]] | None = None
        if self.path is not None and self.path.exists():
            self._load(self.path)
        for user in config.users:
            if self.find_user(user.email) is None:
                self.users.append(copy.copy(user))
        if not self.users:
            raise ValueError("a sandbox needs at least one user (the account owner)")

    # users -----------------------------------------------------------------
    def find_user(self, ref: str) -> SandboxUser | None:
        """The user ``ref`` names: ``me`` (the owner), an email (any case) or a user id."""
        with self.lock:
            if ref == "me":
                return self.users[0] if self.users else None
            for user in self.users:
                if user.id == ref or user.email.lower() == ref.lower():
                    return user
            return None

    def add_user(self, user: SandboxUser) -> SandboxUser:
        """Add a user; the email and id must be new to the account."""
        with self.lock:
            if self.find_user(user.email) or self.find_user(user.user_id):
                raise ValueError(f"user {user.email} already exists")
            stored = copy.copy(user)
            self.users.append(stored)
            self.save()
            return stored

    def pmi(self, user: SandboxUser) -> int:
        """The user's 10-digit personal meeting id, stable for the id."""
        digest = hashlib.sha256(user.user_id.encode()).digest()
        return 1_000_000_000 + int.from_bytes(digest[:8], "big") % 9_000_000_000

    # tokens ----------------------------------------------------------------
    def issue_token(self) -> str:
        """A new access token valid for the configured TTL; earlier tokens stay valid."""
        token = "sbx_" + secrets.token_urlsafe(32)
        with self.lock:
            now = self.clock.timestamp()
            self.tokens = {t: exp for t, exp in self.tokens.items() if exp > now - 86400}
            self.tokens[token] = now + self.config.token_ttl
            self.save()
        return token

    def token_status(self, token: str) -> str:
        """``valid``, ``expired`` or ``invalid``."""
        with self.lock:
            expires = self.tokens.get(token)
        if expires is None:
            return "invalid"
        return "valid" if self.clock.timestamp() < expires else "expired"

    # meetings --------------------------------------------------------------
    def new_identity(self) -> dict[str, Any]:
        """A fresh meeting id (int64, 11 digits, unused) with its uuid and generated secrets."""
        with self.lock:
            while True:
                meeting_id = self.rng.randrange(10_000_000_000, 100_000_000_000)
                if meeting_id not in self.meetings and meeting_id not in self.webinars:
                    break
            raw = self.rng.getrandbits(128).to_bytes(16, "big")
            return {
                "id": meeting_id,
                "uuid": base64.b64encode(raw).decode("ascii"),
                "created_at": self.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "zak": secrets.token_urlsafe(24),
                "encrypted": secrets.token_urlsafe(24)[:32] + ".1",
                "numeric": str(self.rng.randrange(100_000, 1_000_000)),
            }

    def all_meetings(self) -> list[dict[str, Any]]:
        """Deep copies of every stored meeting, oldest first."""
        with self.lock:
            return [copy.deepcopy(r["meeting"]) for r in self.meetings.values()]

    # persistence -----------------------------------------------------------
    def save(self) -> None:
        """Write the state file atomically, if the sandbox has one."""
        if self.path is None:
            return
        with self.lock:
            data = {
                "users": [asdict(u) for u in self.users],
                "tokens": self.tokens,
                "meetings": list(self.meetings.values()),
                "webinars": list(self.webinars.values()),
                "limits": self.limits_snapshot() if self.limits_snapshot else self.saved_limits,
            }
            directory = self.path.parent
            directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def _load(self, path: Path) -> None:
        """Read a state file this sandbox wrote; ValueError for anything else."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"it holds a JSON {type(data).__name__}, not a sandbox's state")
        try:
            self._load_data(data)
        except (AttributeError, KeyError, TypeError) as error:
            raise ValueError(f"it is not a sandbox's state ({type(error).__name__})") from None

    def _load_data(self, data: dict[str, Any]) -> None:
        self.users = [SandboxUser(**u) for u in data.get("users", [])]
        self.tokens = {str(t): float(e) for t, e in data.get("tokens", {}).items()}
        for record in data.get("meetings", []):
            self.meetings[int(record["identity"]["id"])] = record
        for record in data.get("webinars", []):
            self.webinars[int(record["identity"]["id"])] = record
        self.saved_limits = data.get("limits", {})
