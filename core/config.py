"""Configuration: the instance (folders, database, secret) and the site files in sites/.

Environment variables: ``MAILLAGE_HOME`` (data folder, default ``./var``),
``MAILLAGE_SITES`` (site files, default ``./sites``), ``DATABASE_URL``
(default SQLite in the data folder), ``MAILLAGE_SECRET`` (default: a key
generated once in the data folder), ``MAILLAGE_MEDIA_URL`` (where uploads live, see
:mod:`core.storage`; default the ``media`` folder of the data folder), ``MAILLAGE_DEBUG``,
``MAILLAGE_TRUSTED_PROXIES`` (reverse proxies whose X-Forwarded-* headers are believed, see
:mod:`core.proxies`; default none).
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.db import ConfigurationError, default_url

SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
REGISTRATION_MODES = ("open", "code", "invitation", "approval", "closed")
PROFILE_FIELD_TYPES = ("text", "textarea", "choice", "tags", "location", "url")


@dataclass
class Instance:
    """Where this installation keeps its data and how it reaches its database."""

    home: Path
    sites_dir: Path
    database_url: str
    secret: str
    debug: bool = False
    media_url: str = ""
    trusted_proxies: str = ""

    @property
    def media_dir(self) -> Path:
        """The local media folder (``MAILLAGE_MEDIA_URL=file:///...``, default ``MAILLAGE_HOME/media``)."""
        if self.media_url.startswith("file://"):
            from urllib.parse import unquote, urlparse

            return Path(unquote(urlparse(self.media_url).path))
        return self.home / "media"

    @classmethod
    def from_env(cls, **overrides) -> Instance:
        """Read the instance settings from the environment, with explicit overrides."""
        home = Path(overrides.get("home") or os.environ.get("MAILLAGE_HOME") or "var").resolve()
        sites_dir = Path(overrides.get("sites_dir") or os.environ.get("MAILLAGE_SITES") or "sites").resolve()
        url = overrides.get("database_url") or os.environ.get("DATABASE_URL") or default_url(home)
        secret = overrides.get("secret") or os.environ.get("MAILLAGE_SECRET") or _stored_secret(home)
        debug = overrides.get("debug")
        if debug is None:
            debug = os.environ.get("MAILLAGE_DEBUG", "") in ("1", "true", "yes")
        media_url = overrides.get("media_url") or os.environ.get("MAILLAGE_MEDIA_URL") or ""
        proxies = overrides.get("trusted_proxies")
        if proxies is None:
            proxies = os.environ.get("MAILLAGE_TRUSTED_PROXIES", "")
        return cls(home=home, sites_dir=sites_dir, database_url=url, secret=secret, debug=bool(debug),
                   media_url=media_url, trusted_proxies=proxies)

    def __post_init__(self):
        from core import proxies

        self.proxy_networks = proxies.parse(self.trusted_proxies)  # ConfigurationError on a bad entry
        if not self.media_url:
            self.media_url = (self.home / "media").resolve().as_uri()


def _stored_secret(home: Path) -> str:
    path = home / "secret.key"
    if path.exists():
        return path.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass
class SiteConfig:
    """One site file: host names, name, language, theme, plugins, territory and settings."""

    id: str
    path: Path | None
    name: str
    hosts: list[str]
    language: str = "fr"
    theme: str = "default"
    plugins: list[str] = field(default_factory=list)
    registration: str = "open"
    territory: dict = field(default_factory=dict)
    taxonomy: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    plugin_defaults: dict = field(default_factory=dict)
    profile: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path | None:
        """The site's own folder of overrides (``sites/<id>/``), if it has one."""
        if self.path is None:
            return None
        return self.path.parent / self.id


def _expect(cond: bool, path: Path, message: str) -> None:
    if not cond:
        raise ConfigurationError(f"{path.name}: {message}")


def load_site(path: Path) -> SiteConfig:
    """Read and validate one site file; raise ConfigurationError naming the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path.name}: not valid TOML ({exc})") from None
    site_id = path.stem
    _expect(bool(SITE_ID.match(site_id)), path, "the file name must be a lowercase identifier")
    site = data.get("site", {})
    _expect(isinstance(site, dict), path, "[site] must be a table")
    name = site.get("name")
    _expect(isinstance(name, str) and bool(name.strip()), path, "[site] name is missing")
    hosts = site.get("hosts", [])
    _expect(isinstance(hosts, list) and all(isinstance(h, str) for h in hosts) and bool(hosts),
            path, "[site] hosts must be a non-empty list of host names")
    language = site.get("language", "fr")
    _expect(language in ("fr", "en"), path, f"[site] language {language!r} is not one of fr, en")
    plugins = site.get("plugins", [])
    _expect(isinstance(plugins, list) and all(isinstance(p, str) for p in plugins), path,
            "[site] plugins must be a list of plugin names")
    registration = site.get("registration", "open")
    _expect(registration in REGISTRATION_MODES, path,
            f"[site] registration {registration!r} is not one of {', '.join(REGISTRATION_MODES)}")
    territory = data.get("territory", {})
    if territory:
        center = territory.get("center")
        _expect(isinstance(center, list) and len(center) == 2, path,
                "[territory] center must be [latitude, longitude]")
        bounds = territory.get("bounds")
        if bounds is not None:
            _expect(isinstance(bounds, list) and len(bounds) == 2, path,
                    "[territory] bounds must be [[south, west], [north, east]]")
    profile = data.get("profile", {})
    _expect(isinstance(profile, dict), path, "[profile] must be a table")
    for item in profile.get("fields", []):
        _expect(isinstance(item, dict) and isinstance(item.get("name"), str), path,
                "each [[profile.fields]] needs a name")
        _expect(item.get("type", "text") in PROFILE_FIELD_TYPES, path,
                f"profile field {item.get('name')!r}: type must be one of {', '.join(PROFILE_FIELD_TYPES)}")
    return SiteConfig(
        id=site_id,
        path=path,
        name=name.strip(),
        hosts=[h.lower() for h in hosts],
        language=language,
        theme=str(site.get("theme", "default")),
        plugins=list(plugins),
        registration=registration,
        territory=territory,
        taxonomy=list(data.get("taxonomy", [])),
        settings=dict(data.get("settings", {})),
        plugin_defaults=dict(data.get("plugins", {})),
        profile=profile,
    )


def load_sites(sites_dir: Path) -> dict[str, SiteConfig]:
    """Read every ``*.toml`` file of ``sites_dir``; raise ConfigurationError on the first problem."""
    if not sites_dir.is_dir():
        raise ConfigurationError(f"the sites folder {sites_dir} does not exist: run `maillage init`")
    sites = {}
    seen_hosts: dict[str, str] = {}
    for path in sorted(sites_dir.glob("*.toml")):
        site = load_site(path)
        for host in site.hosts:
            if host in seen_hosts:
                raise ConfigurationError(f"{path.name}: host {host!r} is already used by {seen_hosts[host]}")
            seen_hosts[host] = path.name
        sites[site.id] = site
    if not sites:
        raise ConfigurationError(f"no site file (*.toml) in {sites_dir}: run `maillage init`")
    return sites
