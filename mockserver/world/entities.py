"""Mutable runtime records kept in the store (Moodle tables the emulated flows touch)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar

RecordT = TypeVar("RecordT")


@dataclass(slots=True)  # slots: a large world holds 100,000s of them
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
    # The rest of the user table that web-service returns carry.
    timezone: str = "99"
    description: str = ""
    descriptionformat: int = 1
    firstaccess: int = 0
    lastaccess: int = 0
    phone1: str = ""
    phone2: str = ""
    institution: str = ""
    department: str = ""
    address: str = ""
    interests: str = ""
    firstnamephonetic: str = ""
    lastnamephonetic: str = ""
    middlename: str = ""
    alternatename: str = ""
    maildisplay: int = 2
    mailformat: int = 1
    theme: str = ""
    calendartype: str = "gregorian"
    timemodified: int = 0
    preferences: dict[str, str] = field(default_factory=dict)

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}".strip()

    def has_capability(self, capability: str) -> bool:
        return self.siteadmin or capability in self.capabilities


GUEST_USER_ID = 1
SITE_COURSE_ID = 1


@dataclass(slots=True)
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
    format: str = "topics"
    lang: str = ""
    enablecompletion: bool = False
    timecreated: int = 0
    timemodified: int = 0
    selfenrol: bool = False
    """An enabled self enrolment instance (after the manual one when both exist)."""
    activities: tuple[Activity, ...] = ()
    completion: CompletionRules | None = None


@dataclass(frozen=True)
class Activity:
    """A course module with completion tracking (``course_modules.completion`` > 0 when tracked)."""

    cmid: int
    name: str
    modname: str = "page"
    tracked: bool = True


@dataclass(frozen=True)
class Criterion:
    """A course completion criterion (``course_completion_criteria``)."""

    type: int
    """1 self, 2 date, 4 activity, 8 course ... (COMPLETION_CRITERIA_TYPE_*)."""
    cmid: int = 0
    timeend: int = 0


@dataclass(frozen=True)
class CompletionRules:
    criteria: tuple[Criterion, ...]
    aggregation: int = 1
    """1 all, 2 any."""


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent: int = 0
    idnumber: str = ""
    description: str = ""
    visible: bool = True
    sortorder: int = 10000
    theme: str = ""
    timemodified: int = 0


ROLE_IDS = {"manager": 1, "coursecreator": 2, "editingteacher": 3, "teacher": 4, "student": 5}
"""Standard role ids of a fresh site."""
ROLE_NAMES = {v: k for k, v in ROLE_IDS.items()}


@dataclass(slots=True)
class Enrolment:
    userid: int
    courseid: int
    role: str = "student"
    method: str = "manual"
    status: int = 0
    """ENROL_USER_ACTIVE (0) or ENROL_USER_SUSPENDED (1)."""
    timestart: int = 0
    timeend: int = 0
    lastaccess: int | None = None
    """``user_lastaccess.timeaccess`` for the course; None when never."""
    completed_activities: frozenset[int] = frozenset()
    selfcompleted: bool = False
    timecompleted: int | None = None
    """``course_completions.timecompleted`` when set by the scenario (or by aggregation)."""
    timecreated: int = 0

    def active_at(self, now: int) -> bool:
        """Status active and within timestart/timeend (the instance being enabled is the course's part)."""
        return self.status == 0 and self.timestart <= now and (self.timeend == 0 or self.timeend > now)


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
    timecreated: int = 0
    timemodified: int = 0
    """Last request that used the session (``sessions.timemodified``), set by the store."""


_FIELD_VALUES: dict[type, Any] = {}


def copied(record: RecordT) -> RecordT:
    """A shallow copy of a record (a dataclass of two or more fields, all set by ``__init__``): its
    fields given back to ``__init__`` in order (``copy.copy`` of a slots dataclass goes through the
    pickle protocol: ~5x slower)."""
    cls: Any = type(record)
    values = _FIELD_VALUES.get(cls)
    if values is None:
        values = _FIELD_VALUES[cls] = attrgetter(*(f.name for f in fields(cls)))
    copy: RecordT = cls(*values(record))
    return copy
