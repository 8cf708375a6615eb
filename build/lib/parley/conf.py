"""The one table of environment variables that configure Parley.

Every setting an operator can change is declared here, with its default and meaning; the README
carries the same table and a test keeps the two in step. `settings.py` reads the environment only
through `env()`, so an undeclared variable is an error, not a silent default.
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
            "How mail (password resets) is sent: `console://` prints it; `smtp://user:password@host:587?tls=1`."),
    Setting("PARLEY_FROM_EMAIL", "parley@localhost", "Sender address of Parley's mail."),
    Setting("PARLEY_PAGE_CACHE_SECONDS", "30", "How long anonymous readers may be served a cached page; 0 turns it off."),
    Setting("PARLEY_IMPORT_MAX_BYTES", "10485760", "Largest file `parley import` accepts (bytes); larger files are refused."),
    Setting("PARLEY_FETCH_ALLOW_HOSTS", "",
            "Comma-separated private hosts Parley may fetch from (it refuses every non-public address otherwise)."),
    Setting("PARLEY_FETCH_MAX_BYTES", "15728640", "Largest response body Parley downloads, after decompression (bytes)."),
    Setting("PARLEY_FETCH_TIMEOUT", "20",
            "Seconds one fetch may take in all: resolving, connecting, TLS, headers, body and redirects."),
    Setting("PARLEY_WORKER_LEASE_SECONDS", "600",
            "How long a worker's claim on a source lasts; a killed worker's sources are free again after it."),
    Setting("PARLEY_SITE_NAME", "Parley", "Name shown in the page header and feeds."),
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


def env_str(name: str, default: str) -> str:
    """Return a declared setting as text."""
    value = env(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    """Return a declared setting as a boolean (1/true/yes/on)."""
    value = env(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    """Return a declared setting as an integer, refusing anything else."""
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    """Return a declared comma-separated setting as a list."""
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def data_dir() -> Path:
    """Return the data folder, creating it when missing."""
    path = Path(env_str("PARLEY_DATA_DIR", "./var")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
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
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ValueError(f"PARLEY_CACHE_URL must start with locmem://, db:// or redis://, not {url!r}")


def email_config(url: str) -> tuple:
    """Return (backend, host, port, user, password, use_tls) for a PARLEY_EMAIL_URL."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return ("django.core.mail.backends.console.EmailBackend", "localhost", 25, "", "", False)
    if parts.scheme == "smtp":
        tls = parse_qs(parts.query).get("tls", ["0"])[0].lower() in TRUE_WORDS
        return ("django.core.mail.backends.smtp.EmailBackend", parts.hostname or "localhost", parts.port or 25,
                unquote(parts.username or ""), unquote(parts.password or ""), tls)
    raise ValueError(f"PARLEY_EMAIL_URL must start with console:// or smtp://, not {url!r}")
