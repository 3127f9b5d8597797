"""The scenario and fixture file format, as typed models.

These models are the single definition of the YAML format: the loader validates files into them
and ``mockserver schema`` prints their JSON Schema. Code past the loader only sees these objects.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from mockserver.admin.faultspec import FaultSpec
from mockserver.drupal.spec import DrupalScenario
from mockserver.moodle.plugins.scenario import Plugins, move_legacy
from mockserver.moodle.plugins.settings_base import PluginSettings
from mockserver.sence.spec import SenceScenario, SenceWorld
from mockserver.world.limits import Limits


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _token_format(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", value):
        raise ValueError("a web service token is 32 lower-case hex characters")
    return value


WsToken = Annotated[str, AfterValidator(_token_format)]
Role = Literal["student", "teacher", "editingteacher", "manager", "coursecreator"]


class UserSpec(Spec):
    """A Moodle user (table ``user``)."""

    id: int | None = Field(None, description="Fixed user id; assigned from 2 upwards when absent.")
    username: str
    password: str = Field("", description="Plain password for /login/index.php and token.php.")
    firstname: str = ""
    lastname: str = ""
    email: str = ""
    idnumber: str = ""
    auth: str = Field("manual", description="manual, userkey, nologin, ...")
    lang: str | None = Field(None, description="Preferred language; site language when absent.")
    city: str = ""
    country: str = ""
    suspended: bool = False
    deleted: bool = False
    confirmed: bool = True
    siteadmin: bool = Field(False, description="Site administrators hold every capability.")
    capabilities: list[str] = Field(
        default_factory=list, description="System capabilities granted, e.g. webservice/rest:use."
    )
    profile: dict[str, str] = Field(
        default_factory=dict, description="Custom profile fields by shortname, e.g. runalumno."
    )
    timezone: str = Field("99", description="'99' follows the server timezone.")
    description: str = ""
    firstaccess: int = Field(0, description="Unix time of the first access; 0 = never.")
    lastaccess: int = Field(0, description="Unix time of the last access; 0 = never.")
    phone1: str = ""
    phone2: str = ""
    institution: str = ""
    department: str = ""
    address: str = ""
    interests: str = ""
    middlename: str = ""
    alternatename: str = ""
    preferences: dict[str, str] = Field(default_factory=dict, description="User preferences by name.")


class ProfileFieldSpec(Spec):
    """A custom user profile field (``user_info_field``); values live in each user's ``profile``."""

    shortname: str
    name: str = Field("", description="Display name; the shortname when empty.")
    datatype: Literal["text", "textarea", "menu", "checkbox", "datetime"] = "text"


class CategorySpec(Spec):
    """A course category (``course_categories``); the tree comes from ``parent``."""

    id: int = Field(gt=0)
    name: str
    parent: int = Field(0, description="Parent category id; 0 = top level.")
    idnumber: str = ""
    description: str = ""
    visible: bool = True
    theme: str = ""


class ActivitySpec(Spec):
    """A course module; ``tracked`` means completion tracking is on for it."""

    cmid: int = Field(gt=0, description="Course module id (unique in the site).")
    name: str
    modname: str = "page"
    tracked: bool = True


class CriterionSpec(Spec):
    """A course completion criterion: ``activity`` (needs ``cmid``), ``self`` or ``date`` (needs ``date``)."""

    type: Literal["self", "date", "activity"]
    cmid: int = 0
    date: int = Field(0, description="Unix time for the date criterion.")


class CompletionSpec(Spec):
    aggregation: Literal["all", "any"] = "all"
    criteria: list[CriterionSpec] = Field(default_factory=list)


class CourseSpec(Spec):
    """A Moodle course; ``customfields`` carry the SENCE marks (codsence, codcurso, lineacap)."""

    id: int | None = Field(None, description="Fixed course id (> 1); assigned from 2 upwards when absent.")
    shortname: str
    fullname: str
    category: int = 1
    visible: bool = True
    summary: str = ""
    idnumber: str = ""
    startdate: int = 0
    enddate: int = 0
    manualenrol: bool = Field(True, description="Whether an enabled manual enrolment instance exists.")
    selfenrol: bool = Field(False, description="Whether an enabled self enrolment instance exists.")
    customfields: dict[str, str] = Field(default_factory=dict)
    format: str = "topics"
    lang: str = Field("", description="Forced course language; empty = none.")
    enablecompletion: bool = False
    activities: list[ActivitySpec] = Field(default_factory=list)
    completion: CompletionSpec | None = Field(None, description="Course completion criteria.")


class EnrolmentSpec(Spec):
    user: str = Field(description="Username.")
    course: str = Field(description="Course shortname.")
    role: Role = "student"
    method: Literal["manual", "self"] = "manual"
    status: Literal["active", "suspended"] = "active"
    timestart: int = 0
    timeend: int = Field(0, description="0 = no end.")
    lastaccess: int | None = Field(None, description="Last access to the course (unix time); absent = never.")
    completed: list[int] = Field(default_factory=list, description="Course module ids the user completed.")
    selfcompleted: bool = False
    timecompleted: int | None = Field(None, description="Course completion time when already completed.")


class UserKeySpec(Spec):
    """A pre-existing auth_userkey login key (``user_private_key``)."""

    value: str = Field(min_length=1, max_length=128)
    user: str = Field(description="Username.")
    validuntil: int = Field(description="Unix time after which the key is expired.")
    iprestriction: str | None = None


class AuthorisedUserSpec(Spec):
    user: str
    validuntil: datetime | None = None
    iprestriction: str = ""


class ServiceSpec(Spec):
    """An external service (``external_services``) with its functions and authorised users."""

    name: str
    shortname: str | None = None
    enabled: bool = True
    restrictedusers: bool = False
    requiredcapability: str = ""
    downloadfiles: bool = False
    uploadfiles: bool = False
    functions: list[str] = Field(default_factory=list)
    authorisedusers: list[AuthorisedUserSpec | str] = Field(default_factory=list)


class TokenSpec(Spec):
    token: WsToken
    user: str
    service: str = Field(description="Service name or shortname.")
    validuntil: datetime | None = None
    iprestriction: str = ""


def _schema_key(schema: dict[str, Any]) -> None:
    """Files may name their JSON Schema in a ``$schema`` key (the loader ignores it)."""
    link = {"type": "string", "description": "The JSON Schema editors validate this file against (ignored)."}
    schema["properties"] = {"$schema": link, **schema.get("properties", {})}


class Fixtures(Spec):
    """Users, courses, enrolments, services, tokens and SENCE data; scenarios list fixture files."""

    model_config = ConfigDict(json_schema_extra=_schema_key)

    users: list[UserSpec] = Field(default_factory=list)
    courses: list[CourseSpec] = Field(default_factory=list)
    enrolments: list[EnrolmentSpec] = Field(default_factory=list)
    services: list[ServiceSpec] = Field(default_factory=list)
    tokens: list[TokenSpec] = Field(default_factory=list)
    categories: list[CategorySpec] = Field(
        default_factory=list, description="Course categories; a site always has category 1 ('Category 1')."
    )
    profilefields: list[ProfileFieldSpec] = Field(default_factory=list)
    userkeys: list[UserKeySpec] = Field(default_factory=list, description="auth_userkey login keys at start.")
    sence: SenceWorld = Field(default_factory=SenceWorld)

    @model_serializer(mode="wrap")
    def _large_lists(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Large lists hold compact rows, not models (mockserver/world/rows.py): dumped as the models."""
        from mockserver.world.rows import with_models

        return handler(with_models(self))


class MoodleSettings(Spec):
    """Site settings (``$CFG``)."""

    version: Literal["4.1", "4.5"] = Field("4.1", description="Selects exception class names (4.5: namespaced).")
    sitename: str = "Moodle test server"
    wwwroot: str | None = Field(None, description="Fixed wwwroot; when absent it follows the public base URL.")
    lang: str = "en"
    autolang: bool = Field(True, description="Honour Accept-Language before the token user's language.")
    debug: Literal["none", "normal", "developer"] = Field(
        "none", description="$CFG->debug: normal adds debuginfo; developer also appends it to messages."
    )
    debugdisplay: bool = True
    debugusers: list[int] = Field(
        default_factory=list, description="$CFG->debugusers: user ids that always get debuginfo."
    )
    enablewebservices: bool = True
    webserviceprotocols: list[str] = Field(default_factory=lambda: ["rest"])
    enablemobilewebservice: bool = Field(
        False, description="Mobile web services on: authenticated users hold webservice/rest:use (set_protocol_cap)."
    )
    auth: list[str] = Field(default_factory=lambda: ["userkey"], description="Enabled auth plugins ($CFG->auth).")
    allowaccountssameemail: bool = False
    extendedusernamechars: bool = False
    maintenance: bool = False
    client_ip_header: str | None = Field(
        None, description="Trusted header for the client IP (getremoteaddrconf), e.g. Client-IP or X-Forwarded-For."
    )
    tokenduration: int = 12 * 7 * 86400
    sessiontimeout: int = Field(
        8 * 3600, ge=60, description="Seconds of inactivity after which a browser session ends ($CFG->sessiontimeout)."
    )
    passwordpolicy: bool = Field(True, description="$CFG->passwordpolicy: new passwords must pass the rules below.")
    minpasswordlength: int = 8
    minpassworddigits: int = 1
    minpasswordlower: int = 1
    minpasswordupper: int = 1
    minpasswordnonalphanum: int = 1
    maxconsecutiveidentchars: int = Field(0, description="0 = no limit.")
    frontpagecourselimit: int = Field(
        200, ge=0, description="$CFG->frontpagecourselimit: most courses the front page lists (0 = no limit)."
    )
    release: str = "4.1.10 (Build: 20240422)"
    versionnumber: str = "2022112810"


def _in_clock_range(when: datetime | None) -> datetime | None:
    from mockserver.world.clock import check_time

    if when is not None:
        check_time(when.timestamp())  # a ValueError: reported by the loader with file and line
    return when


class ClockSettings(Spec):
    start: Annotated[datetime | None, AfterValidator(_in_clock_range)] = Field(
        None, description="Server time at start (ISO 8601). Absent: the real time."
    )
    frozen: bool = Field(False, description="Time stands still until moved through the admin API.")


class Scenario(Fixtures):
    """A scenario: site settings, plugin settings, clock, fixture files and inline fixtures."""

    name: str = ""
    description: str = ""
    fixtures: list[str] = Field(default_factory=list, description="Fixture files, relative to the scenario file.")
    moodle: MoodleSettings = Field(default_factory=MoodleSettings)
    plugins: Plugins = Field(
        default_factory=Plugins, description="Plugin settings by frankenstyle name (docs/plugins.md)."
    )
    clock: ClockSettings = Field(default_factory=ClockSettings)
    sence: SenceScenario = Field(default_factory=SenceScenario)
    drupal: DrupalScenario = Field(
        default_factory=DrupalScenario, description="The fake Drupal site of --drupal-port (docs/drupal.md)."
    )
    faults: list[FaultSpec] = Field(
        default_factory=list, description="Faults injected into matching requests (docs/admin.md); none by default."
    )
    limits: Limits = Field(
        default_factory=Limits, description="Caps and retention of the runtime tables (docs/scenarios.md#limits)."
    )

    def plugin_settings(self, name: str) -> PluginSettings:
        """The settings of plugin ``name`` (frankenstyle) under ``plugins:``."""
        value = getattr(self.plugins, name)
        assert isinstance(value, PluginSettings)
        return value

    @model_validator(mode="before")
    @classmethod
    def _legacy_plugin_settings(cls, data: Any) -> Any:
        """Plugin settings at their older places (each plugin's ``LEGACY_PATHS``) move under ``plugins:``."""
        return move_legacy(data) if isinstance(data, dict) else data
