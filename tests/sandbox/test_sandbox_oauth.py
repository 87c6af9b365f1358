"""The token endpoint and bearer-token checks behave as Zoom's S2S OAuth does."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from batchzoom.sandbox import Sandbox, SandboxConfig, SandboxUser


def _token_request(sandbox: Sandbox, **overrides: object) -> httpx.Response:
    auth = overrides.pop("auth", (sandbox.client_id, sandbox.client_secret))
    data = {"grant_type": "account_credentials", "account_id": sandbox.account_id}
    data.update({k: str(v) for k, v in overrides.items()})
    return httpx.post(sandbox.token_url, auth=auth, data=data)  # type: ignore[arg-type]


def test_token_is_issued_for_account_credentials_in_a_form_body(sandbox: Sandbox) -> None:
    """A correct request gets 200 with access_token, token_type, expires_in, scope, api_url."""
    response = _token_request(sandbox)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "scope", "api_url"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert sandbox.api_url == body["api_url"] + "/v2"


def test_token_parameters_are_also_accepted_in_the_query_string(sandbox: Sandbox) -> None:
    """Zoom's docs show the query-string form too; the sandbox accepts both."""
    response = httpx.post(
        sandbox.token_url,
        params={"grant_type": "account_credentials", "account_id": sandbox.account_id},
        auth=(sandbox.client_id, sandbox.client_secret),
    )
    assert response.status_code == 200


def test_wrong_secret_gets_zooms_invalid_client_body(sandbox: Sandbox) -> None:
    """Wrong client secret: 400 invalid_client."""
    response = _token_request(sandbox, auth=(sandbox.client_id, "nope"))
    assert response.status_code == 400
    assert response.json() == {
        "reason": "Invalid client_id or client_secret",
        "error": "invalid_client",
    }


def test_missing_basic_auth_is_an_invalid_client(sandbox: Sandbox) -> None:
    """No Authorization header: 400 invalid_client."""
    response = httpx.post(
        sandbox.token_url,
        data={"grant_type": "account_credentials", "account_id": sandbox.account_id},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_wrong_grant_type_is_unsupported(sandbox: Sandbox) -> None:
    """grant_type other than account_credentials: 400 unsupported_grant_type."""
    response = _token_request(sandbox, grant_type="client_credentials")
    assert response.status_code == 400
    assert response.json() == {
        "reason": "unsupported grant type",
        "error": "unsupported_grant_type",
    }


def test_wrong_account_is_refused(sandbox: Sandbox) -> None:
    """An account_id other than the sandbox's: 400 with a {reason, error} body."""
    response = _token_request(sandbox, account_id="someone_else")
    assert response.status_code == 400
    assert set(response.json()) == {"reason", "error"}


def test_several_tokens_are_valid_at_once(
    sandbox: Sandbox, token_for: Callable[[Sandbox], str]
) -> None:
    """A new token does not invalidate earlier ones (multi access tokens since 2023)."""
    first, second = token_for(sandbox), token_for(sandbox)
    assert first != second
    for token in (first, second):
        response = httpx.get(
            f"{sandbox.api_url}/users/me", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
    assert sandbox.counters()["token"]["tokens_issued"] == 2


def test_missing_token_is_401_code_124(sandbox: Sandbox) -> None:
    """No bearer token: 401 {"code":124,"message":"Invalid access token."}."""
    response = httpx.get(f"{sandbox.api_url}/users/me")
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Invalid access token."}


def test_unknown_token_is_401_invalid(sandbox: Sandbox) -> None:
    """A token the sandbox never issued: 401 code 124 invalid."""
    response = httpx.get(f"{sandbox.api_url}/users/me", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Invalid access token."}


def test_token_in_query_string_is_refused(
    sandbox: Sandbox, token_for: Callable[[Sandbox], str]
) -> None:
    """Zoom no longer accepts tokens as a query parameter."""
    token = token_for(sandbox)
    response = httpx.get(f"{sandbox.api_url}/users/me", params={"access_token": token})
    assert response.status_code == 401
    assert response.json()["code"] == 124


def test_token_expires_after_its_ttl_on_the_sandbox_clock(
    sandbox: Sandbox, token_for: Callable[[Sandbox], str]
) -> None:
    """Moving the clock past expires_in makes the token 401 'Access token is expired.'."""
    token = token_for(sandbox)
    headers = {"Authorization": f"Bearer {token}"}
    sandbox.clock.advance(3599)
    assert httpx.get(f"{sandbox.api_url}/users/me", headers=headers).status_code == 200
    sandbox.clock.advance(2)
    response = httpx.get(f"{sandbox.api_url}/users/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}


def test_token_ttl_is_configurable(
    sandbox_factory: Callable[[SandboxConfig], Sandbox], token_for: Callable[[Sandbox], str]
) -> None:
    """token_ttl sets expires_in and the actual lifetime."""
    sb = sandbox_factory(SandboxConfig(users=[SandboxUser("a@x.example")], token_ttl=60))
    response = _token_request(sb)
    assert response.json()["expires_in"] == 60
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    sb.clock.advance(61)
    assert httpx.get(f"{sb.api_url}/users/me", headers=headers).status_code == 401
