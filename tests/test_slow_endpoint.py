"""An endpoint that trickles its answers stops the run after three overruns in a row."""

from __future__ import annotations

import json

import pytest

from batchzoom.core.errors import InDoubtError, ZoomUnreachableError
from tests.hostile import Answer, Seen, hostile, token_answer
from tests.test_hostile import DEADLINE, HOST, MEETING, SLOW, client_at

CREATED = {"id": 8612345678, "join_url": "https://zoom.example/j/1"}


def test_three_overruns_in_a_row_stop_sending_naming_the_endpoint() -> None:
    slow = Answer(201, json.dumps(CREATED | {"padding": "x" * 200}), trickle=SLOW)
    with hostile(lambda seen: token_answer() if "oauth" in seen.path else slow) as server:
        with client_at(server.url, deadline=DEADLINE) as client:
            for _attempt in range(2):
                with pytest.raises(InDoubtError):
                    client.create_meeting(HOST, MEETING)
            with pytest.raises(ZoomUnreachableError) as stopped:
                client.create_meeting(HOST, MEETING)
        assert server.count("POST", "/v2/users/") == 3  # each sent once, none resent
    text = str(stopped.value)
    assert "POST /users/{userId}/meetings" in text and "3 requests in a row" in text
    assert "\n" not in text


def test_a_timely_answer_between_overruns_starts_the_count_again() -> None:
    answers = iter(["slow", "slow", "fast", "slow", "slow"])

    def rule(seen: Seen) -> Answer:
        if "oauth" in seen.path:
            return token_answer()
        body = json.dumps(CREATED | {"padding": "x" * 200})
        return Answer(201, body, trickle=SLOW if next(answers) == "slow" else None)

    with hostile(rule) as server, client_at(server.url, deadline=DEADLINE) as client:
        outcomes = []
        for _attempt in range(5):
            try:
                client.create_meeting(HOST, MEETING)
                outcomes.append("created")
            except InDoubtError:
                outcomes.append("in doubt")
        assert outcomes == ["in doubt", "in doubt", "created", "in doubt", "in doubt"]
