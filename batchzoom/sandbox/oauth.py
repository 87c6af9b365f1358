"""``POST /oauth/token``: Server-to-Server OAuth with ``grant_type=account_credentials``.

Client authentication is HTTP Basic; ``grant_type`` and ``account_id`` come
from the form body, or from the query string (Zoom's docs show both; docs/zoom-facts.md#token-request).
Errors use Zoom's ``{"reason", "error"}`` body with status 400 (docs/zoom-facts.md#token-errors).
"""

from __future__ import annotations

import base64
import binascii
from typing import get_args
from urllib.parse import parse_qs

from batchzoom import zoomspec
from batchzoom.sandbox.config import SandboxConfig
from batchzoom.sandbox.counters import Counters
from batchzoom.sandbox.responses import Request, Response
from batchzoom.sandbox.state import Store

# Every token carries, unless configured otherwise, the granular admin scope of each
# operation the sandbox serves.
SCOPES = " ".join(dict.fromkeys(zoomspec.admin_scope(op) for op in get_args(zoomspec.OperationId)))
INVALID_CLIENT = {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
UNSUPPORTED_GRANT = {"reason": "unsupported grant type", "error": "unsupported_grant_type"}
# No observed body exists for a wrong account_id (docs/zoom-facts.md#token-errors); this follows
# the same {"reason","error"} shape with OAuth's invalid_request.
INVALID_ACCOUNT = {"reason": "Invalid account_id", "error": "invalid_request"}


def _basic(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def issue(request: Request, config: SandboxConfig, store: Store, counters: Counters) -> Response:
    """Answer a token request; counts it and its outcome under ``token``."""
    counters.add("token", "requests")
    response = _issue(request, config, store, counters)
    counters.add("token", "responses", str(response.status))
    return response


def _issue(request: Request, config: SandboxConfig, store: Store, counters: Counters) -> Response:
    params = {k: v[0] for k, v in request.query.items() if v}
    try:
        form = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        form = {}
    params.update({k: v[0] for k, v in form.items() if v})
    credentials = _basic(request.headers.get("authorization", ""))
    if credentials != (config.client_id, config.client_secret):
        return Response.json(400, INVALID_CLIENT)
    if params.get("grant_type") != "account_credentials":
        return Response.json(400, UNSUPPORTED_GRANT)
    if params.get("account_id") != config.account_id:
        return Response.json(400, INVALID_ACCOUNT)
    token = store.issue_token()
    counters.add("token", "tokens_issued")
    host = request.headers.get("host", f"{config.host}")
    return Response.json(
        200,
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": config.token_ttl,
            "scope": " ".join(config.scopes) if config.scopes is not None else SCOPES,
            "api_url": f"http://{host}",
        },
    )
