"""What the SENCE domain answers, before any HTML: the HTTP layer renders one of these."""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.sence.records import LoginAttempt


@dataclass(frozen=True)
class Callback:
    """Send the browser back to the OTEC with a POST of ``fields`` (in order) to ``url``."""

    url: str
    fields: tuple[tuple[str, str], ...]
    error: bool = False
    duplicate: bool = False


@dataclass(frozen=True)
class LoginPage:
    """Show SENCE's login page for a pending post; ``message`` after a failed attempt."""

    attempt: LoginAttempt
    message: str = ""
    remaining_attempts: int | None = None
    remaining_seconds: int | None = None


@dataclass(frozen=True)
class ErrorPage:
    """An error with nowhere to post it (UrlError missing or malformed): SENCE shows it itself."""

    codes: tuple[int, ...]
    status: int = 200


@dataclass(frozen=True)
class NoCallback:
    """Scripted abandonment: the student never comes back to the OTEC."""

    action: str = "start"


@dataclass(frozen=True)
class HttpFailure:
    status: int


@dataclass(frozen=True)
class Notice:
    """A plain SENCE page outside the protocol (unknown or finished login, etc.)."""

    status: int
    title: str
    message: str


Result = Callback | LoginPage | ErrorPage | NoCallback | HttpFailure | Notice


@dataclass(frozen=True)
class Answer:
    result: Result
    delay: float = 0.0
