"""Structured log lines with a request id, and no personal data.

Every record becomes one JSON line with the request id of the request that caused it. E-mail
addresses, registration tokens, pickup codes in paths and IP addresses are masked before the line is
written: logs are kept longer than the data the portal promises to delete.
"""

import contextvars
import json
import logging
import re
import secrets
import time

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
TOKEN_PATH = re.compile(r"(/(?:inschrijving|uitnodiging|invite|bevestig|nagekeken)/)[^/\s?\"']+")
IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
LONG_SECRET = re.compile(r"\b[A-Za-z0-9_\-]{32,}\b")


def mask(text: str) -> str:
    text = EMAIL.sub("[email]", text)
    text = TOKEN_PATH.sub(r"\1[token]", text)
    text = IPV4.sub("[ip]", text)
    return LONG_SECRET.sub("[secret]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": mask(message),
        }
        status = getattr(record, "status_code", None)
        if status:
            line["status"] = status
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """One readable line per record for a developer's terminal (`LOG_FORMAT=text`, the default with
    DEBUG on): time, level, logger, message; masked like the JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message = f"{message}\n{self.formatException(record.exc_info)}"
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        return f"{clock} {record.levelname:<7} {record.name}: {mask(message)}"


class RequestIdMiddleware:
    """Give every request an id (or take a sane one from the proxy) and send it back as X-Request-ID."""

    HEADER = "HTTP_X_REQUEST_ID"
    VALID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(self.HEADER, "")
        request_id = incoming if self.VALID.match(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        request.request_id = request_id
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


def gunicorn_access_format() -> str:
    """Gunicorn's access log without the client address: no IPs kept."""
    return (
        '{"time":"%(t)s","request_id":"%({x-request-id}o)s","method":"%(m)s","path":"%(U)s",'
        '"status":%(s)s,"bytes":%(B)s,"duration_ms":%(M)s}'
    )


try:  # gunicorn is only imported by gunicorn itself; the web app does not need it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """Gunicorn's logger with the same masking for access lines (paths can carry tokens)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "h"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = mask(atoms[key])
        return atoms
