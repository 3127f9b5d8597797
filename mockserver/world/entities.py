"""Mutable runtime records kept in the store (Moodle tables the emulated flows touch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class User:
    id: int
    username: str
    password: str = ""
    firstname: str = ""
    lastname: str = ""
    email: str = ""
    idnumber: str = ""
    auth: str = "manual"
    lang: str = "en"
    city: str = ""
    country: str = ""
    suspended: bool = False
    deleted: bool = False
    confirmed: bool = True
    siteadmin: bool = False
    capabilities: frozenset[str] = frozenset()
    profile: dict[str, str] = field(default_factory=dict)
    timecreated: int = 0
    lastlogin: int = 0
    currentlogin: int = 0
    lastip: str = ""

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()

    def has_capability(self, capability: str) -> bool:
        return self.siteadmin or capability in self.capabilities


GUEST_USER_ID = 1
SITE_COURSE_ID = 1


@dataclass
class Course:
    id: int
    shortname: str
    fullname: str
    category: int = 1
    visible: bool = True
    summary: str = ""
    idnumber: str = ""
    startdate: int = 0
    enddate: int = 0
    manualenrol: bool = True
    customfields: dict[str, str] = field(default_factory=dict)


@dataclass
class Enrolment:
    userid: int
    courseid: int
    role: str = "student"


@dataclass
class AuthorisedUser:
    userid: int
    validuntil: int | None = None
    iprestriction: str = ""


@dataclass
class Service:
    id: int
    name: str
    shortname: str | None
    enabled: bool
    restrictedusers: bool
    requiredcapability: str
    downloadfiles: bool
    uploadfiles: bool
    functions: tuple[str, ...]
    authorised: dict[int, AuthorisedUser] = field(default_factory=dict)


@dataclass
class Token:
    token: str
    userid: int
    serviceid: int
    validuntil: int | None = None
    iprestriction: str = ""
    timecreated: int = 0
    privatetoken: str = ""


@dataclass
class UserKey:
    """A row of ``user_private_key`` with ``script='auth/userkey'``."""

    value: str
    userid: int
    validuntil: int
    iprestriction: str | None
    timecreated: int


@dataclass
class Session:
    """A browser session (``$SESSION`` plus ``$USER->id``)."""

    sid: str
    userid: int = 0
    sesskey: str = ""
    wantsurl: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    """The rest of ``$SESSION``: ``lang``, and each plugin's part under its frankenstyle name."""
