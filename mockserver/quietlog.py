"""uvicorn's log without tracebacks for what is not a server error.

uvicorn logs ``ERROR: Exception in ASGI application`` with a full traceback whenever a request task
ends with an exception, including the ones that only mean the other side went away or the process
is stopping: a request cancelled because shutdown waited its ``timeout_graceful_shutdown``, a
client that disconnected while its body was read, a fault that hung up on purpose. Those become
one WARNING line; real application errors keep their traceback.

Parsers of client input log too: python-multipart writes a WARNING ("Did not find CR at end of
boundary", ...) for each malformed multipart body before it raises, and the mock answers that body
itself (Moodle as PHP does: an empty ``$_POST``; SENCE a 400), so those lines are only noise under
a fuzz. ``quiet_parsers()`` keeps their errors and drops the rest.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import ClientDisconnect

from mockserver.admin.inject import ConnectionClosedByFault

_GRACEFUL = "timeout graceful shutdown exceeded"
PARSER_LOGGERS = ("python_multipart", "multipart")
"""python-multipart's loggers (``multipart`` is its old import name)."""
_EXPECTED = (ClientDisconnect, ConnectionClosedByFault, ConnectionResetError, BrokenPipeError)


def _as_warning(record: logging.LogRecord, message: str) -> None:
    record.levelno, record.levelname = logging.WARNING, "WARNING"
    record.msg, record.args = message, ()
    record.exc_info, record.exc_text = None, None


class QuietDisconnects(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, asyncio.CancelledError) and _GRACEFUL in str(error):
            _as_warning(record, "a request still running at shutdown was cancelled")
        elif isinstance(error, _EXPECTED):
            _as_warning(record, f"request ended early: {type(error).__name__}")
        elif isinstance(record.msg, str) and _GRACEFUL in record.msg:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_parsers() -> None:
    """Client input the mock answers is not the server's problem: only ERROR and above from the parsers."""
    for name in PARSER_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def install() -> None:
    """Once uvicorn has configured its loggers (``uvicorn.Config()`` does)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietDisconnects) for f in logger.filters):
        logger.addFilter(QuietDisconnects())
