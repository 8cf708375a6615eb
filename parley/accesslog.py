"""Logs without secrets: the tokens of private feed, unsubscribe, e-mail confirmation and password
reset links are replaced by "[redacted]" in gunicorn's access lines and in Parley's and Django's log
records ("Not Found: /unsubscribe/<token>/")."""
import logging
import re

from gunicorn import glogging

# The path segments that are secrets, by route (see the URL configurations).
SECRET_SEGMENTS = re.compile(
    r"(/feed/private/|/unsubscribe/|/accounts/verify/(?!send\b)|/accounts/password/reset/(?!sent/|done/)(?:[^/\s?]+/)?)"
    r"[^/\s?\"]+")
REDACTED_ATOMS = ("r", "U", "f")  # the request line, the path, the referer


def redact(text: str) -> str:
    """Return a logged address or request line with its secret path segments replaced."""
    return SECRET_SEGMENTS.sub(r"\1[redacted]", text) if text else text


class Logger(glogging.Logger):
    """Gunicorn's logger, writing access lines with secrets redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in REDACTED_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


class RedactSecrets(logging.Filter):
    """A logging filter that redacts secret path segments from a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
