"""Where batchzoom finds Zoom: credentials and endpoint URLs.

Credentials come from the environment or a ``.env`` file, never from the
command line (they would show in ``ps``). The environment wins over the file.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from batchzoom.core.errors import ConfigError
from batchzoom.core.secret import Secret

DEFAULT_TOKEN_URL = "https://zoom.us/oauth/token"
DEFAULT_API_URL = "https://api.zoom.us/v2"
CREDENTIAL_VARIABLES = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


@dataclass(frozen=True)
class ZoomSettings:
    """Everything needed to talk to one Zoom account."""

    account_id: str
    client_id: str
    client_secret: Secret
    token_url: str = DEFAULT_TOKEN_URL
    api_url: str = DEFAULT_API_URL
    allow_insecure_http: bool = False

    def check_transport_security(self) -> None:
        """Refuse ``http://`` to anything but this machine: the client secret (token URL)
        and the bearer token (API URL) would travel unencrypted. ``allow_insecure_http``
        (the ``--allow-insecure-http`` option) lifts this."""
        if self.allow_insecure_http:
            return
        for name, url in (("ZOOM_TOKEN_URL", self.token_url), ("ZOOM_API_URL", self.api_url)):
            parts = urlsplit(url)
            if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
                raise ConfigError(
                    f"{name} is {url}, plain http to another machine, so the client secret and "
                    "tokens would travel unencrypted; use https://, or pass "
                    "--allow-insecure-http if that is really intended."
                )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() in {"localhost", "localhost."} or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_env_file(text: str) -> dict[str, str]:
    """Parse ``KEY=VALUE`` lines as dotenv files write them (comments, quotes, ``export``)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        match = _LINE.match(raw)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()
        values[key] = value
    return values


def _check_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{name} must be an http(s) URL such as {DEFAULT_API_URL}; got {url!r}.")
    return url.rstrip("/")


def load_settings(
    environ: Mapping[str, str],
    *,
    env_file: Path | None = None,
    cwd: Path | None = None,
    token_url: str | None = None,
    api_url: str | None = None,
    allow_insecure_http: bool = False,
) -> ZoomSettings:
    """Collect credentials and URLs: option > environment > ``.env`` file > default.

    ``env_file`` is the file given by ``--env-file`` (it must exist); without it a
    ``.env`` in ``cwd`` is read when present.
    """
    file_values: dict[str, str] = {}
    if env_file is not None:
        try:
            file_values = parse_env_file(env_file.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise ConfigError(
                f"Cannot read the env file {env_file} ({error.strerror}); check the --env-file path."
            ) from None
    elif cwd is not None and (cwd / ".env").is_file():
        file_values = parse_env_file((cwd / ".env").read_text(encoding="utf-8-sig"))

    def value(name: str) -> str:
        return (environ.get(name) or file_values.get(name) or "").strip()

    missing = [name for name in CREDENTIAL_VARIABLES if not value(name)]
    if missing:
        raise ConfigError(
            f"Missing Zoom credentials: set {', '.join(missing)} in the environment or in a .env "
            "file (or pass --env-file PATH), or try batchzoom with --sandbox."
        )
    settings = ZoomSettings(
        account_id=value("ZOOM_ACCOUNT_ID"),
        client_id=value("ZOOM_CLIENT_ID"),
        client_secret=Secret(value("ZOOM_CLIENT_SECRET")),
        token_url=_check_url(
            "ZOOM_TOKEN_URL", token_url or value("ZOOM_TOKEN_URL") or DEFAULT_TOKEN_URL
        ),
        api_url=_check_url("ZOOM_API_URL", api_url or value("ZOOM_API_URL") or DEFAULT_API_URL),
        allow_insecure_http=allow_insecure_http,
    )
    settings.check_transport_security()
    return settings
