"""``batchzoom.Sandbox``: the local Zoom stand-in, for a developer's own tests.

::

    from datetime import datetime
    import batchzoom

    with batchzoom.Sandbox(users=["alice@example.com"]) as sandbox:
        zoom = sandbox.zoom()
        meeting = zoom.create_meeting("Test", datetime(2040, 5, 7, 9), 30, timezone="UTC")
        assert zoom.get_meeting(meeting.id) is not None
"""

from __future__ import annotations

from collections.abc import Sequence

from batchzoom.api.zoom import Zoom
from batchzoom.sandbox.config import SandboxConfig, SandboxUser
from batchzoom.sandbox.server import Sandbox as _Server
from batchzoom.zoom.ratelimit import Plan

OWNER = "owner@sandbox.example"


class Sandbox(_Server):
    """The sandbox as a context manager; ``users`` are e-mails (or ``SandboxUser``s), the
    first being the account owner that ``host="me"`` means (one is made up when none is given).
    """

    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        users: Sequence[str | SandboxUser] = (),
        plan: Plan = "pro",
    ) -> None:
        if config is None:
            people = [u if isinstance(u, SandboxUser) else SandboxUser(email=u) for u in users]
            config = SandboxConfig(users=people or [SandboxUser(email=OWNER)], plan=plan)
        super().__init__(config)

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def zoom(self, *, plan: Plan | None = None) -> Zoom:
        """A ``Zoom`` for this sandbox's account, on the sandbox's clock, retrying at once."""
        return Zoom(
            account_id=self.account_id,
            client_id=self.client_id,
            client_secret=self.client_secret,
            plan=plan or self.config.plan,
            token_url=self.token_url,
            api_url=self.api_url,
            now=self.clock.now,
            instant_retries=True,
        )
