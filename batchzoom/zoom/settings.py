"""Where batchzoom finds Zoom: credentials and endpoint URLs.

Credentials come from the environment or a ``.env`` file, never from the
command line (they would show in ``ps``). The environment wins over the file.
"""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from batchzoom.core.errors import ConfigError
from batchzoom.core.i18n import _
from batchzoom.core.secret import Secret

DEFAULT_TOKEN_URL = "https://zoom.us/oauth/token"
DEFAULT_API_URL = "https://api.zoom.us/v2"
CREDENTIAL_VARIABLES = ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET")


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
                    _(
                        "{name} is {url}, plain http to another machine, so the client secret "
                        "and tokens would travel unencrypted; use https://, or pass "
                        "--allow-insecure-http if that is really intended."
                    ).format(name=name, url=url)
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
    """``KEY=VALUE`` lines read by python-dotenv (comments, quotes, ``export``, escapes)."""
    values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    return {key: value for key, value in values.items() if value is not None}


def _read_env_file(path: Path) -> dict[str, str]:
    """The values of an env file; one sentence when it is not UTF-8 text."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            _(
                "The env file {path} is not UTF-8 text (byte {byte} at position {position}); "
                "save it as UTF-8 and run again."
            ).format(path=path, byte=f"{data[error.start]:#04x}", position=error.start)
        ) from None
    return parse_env_file(text)


def env_places(cwd: Path | None, roster_dir: Path | None) -> list[Path]:
    """The ``.env`` files looked for, in order: the working directory's, the roster's."""
    folders = [folder.absolute() for folder in (cwd, roster_dir) if folder is not None]
    return [folder / ".env" for folder in dict.fromkeys(folders)]


def _check_url(name: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(
            _("{name} must be an http(s) URL such as {example}; got {url}.").format(
                name=name, example=DEFAULT_API_URL, url=repr(url)
            )
        )
    return url.rstrip("/")


def load_settings(
    environ: Mapping[str, str],
    *,
    env_file: Path | None = None,
    cwd: Path | None = None,
    roster_dir: Path | None = None,
    token_url: str | None = None,
    api_url: str | None = None,
    allow_insecure_http: bool = False,
) -> ZoomSettings:
    """Collect credentials and URLs: option > environment > ``.env`` file > default.

    ``env_file`` is the file given by ``--env-file`` (it must exist). Without it, a ``.env``
    in ``cwd`` and one in ``roster_dir`` (the roster's folder, where ``batchzoom.toml`` is
    found too) are read when present, the working directory's values winning: a cron job
    that starts in ``/`` still finds the credentials kept beside its roster.
    """
    places = env_places(cwd, roster_dir)
    file_values: dict[str, str] = {}
    if env_file is not None:
        try:
            file_values = _read_env_file(env_file)
        except OSError as error:
            raise ConfigError(
                _("Cannot read the env file {path} ({reason}); check the --env-file path.").format(
                    path=env_file, reason=error.strerror
                )
            ) from None
    else:
        for place in reversed(places):  # the working directory's last, so that it wins
            if place.is_file():
                file_values |= _read_env_file(place)

    def value(name: str) -> str:
        return (environ.get(name) or file_values.get(name) or "").strip()

    missing = [name for name in CREDENTIAL_VARIABLES if not value(name)]
    if missing:
        looked = [str(env_file)] if env_file is not None else [str(p) for p in places]
        if looked:
            message = _(
                "Missing Zoom credentials: set {names} in the environment or in a .env file "
                "(looked in the environment and in {places}) (or pass --env-file PATH), or try "
                "batchzoom with --sandbox."
            )
        else:
            message = _(
                "Missing Zoom credentials: set {names} in the environment or in a .env file "
                "(or pass --env-file PATH), or try batchzoom with --sandbox."
            )
        raise ConfigError(message.format(names=", ".join(missing), places=", ".join(looked)))
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
