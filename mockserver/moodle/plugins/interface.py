"""What a plugin declares: ``MoodlePlugin``, subclassed once per plugin folder in ``plugin.py``.

A plugin is its frankenstyle name, its settings model, its routes, strings, journal masks, admin
world-view section and the Moodle hooks it implements. Every hook has a default that does
nothing, so a plugin overrides only what the real plugin implements.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from mockserver.moodle.plugins.settings_base import InstallableSettings, PluginSettings

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.routing import BaseRoute

    from mockserver.moodle.pages.params import PageParams
    from mockserver.moodle.pages.session import BrowserSession
    from mockserver.moodle.site import Site
    from mockserver.world.entities import Course, Enrolment, User
    from mockserver.world.tenant import Tenant

S = TypeVar("S", bound=PluginSettings)
Kind = Literal["auth", "block", "local", "mod", "enrol", "tool"]
Strings = Mapping[str, Mapping[tuple[str, str], str]]
"""Language -> (component, identifier) -> text, like ``mockserver.moodle.lang`` tables."""


@dataclass(frozen=True)
class Masking:
    """What the journal hides for this plugin (see mockserver/admin/masking.py).

    ``shorten``: top-level request parameters shown shortened (``d1c2…8f90``), like tokens.
    ``text_rules``: patterns with groups ``pre`` and ``secret`` applied to bodies and ``Location``
    headers; the ``secret`` group is shortened.
    """

    shorten: frozenset[str] = frozenset()
    text_rules: tuple[re.Pattern[str], ...] = ()


@dataclass
class HookPage:
    """The core page a hook runs in: the site, the browser session and the page's parameters."""

    site: Site
    browser: BrowserSession
    params: PageParams


@dataclass
class CoursePage(HookPage):
    """``course/view.php`` after ``require_login`` and the enrolment check passed."""

    user: User = field(kw_only=True)
    course: Course = field(kw_only=True)
    enrolment: Enrolment | None = field(kw_only=True)


def plugin_session(browser: BrowserSession, name: str) -> dict[str, Any]:
    """Plugin ``name``'s part of ``$SESSION`` (``session.data[name]``), created on first use.

    Plugins keep their session flags here, never as fields of core's ``Session``; call
    ``browser.save()`` after changing it.
    """
    data = browser.session.data.get(name)
    if not isinstance(data, dict):
        data = browser.session.data[name] = {}
    return data


class MoodlePlugin(Generic[S]):
    """One emulated plugin. Subclasses set ``name``, ``settings_model`` and override hooks."""

    name: ClassVar[str]
    """Frankenstyle: ``<type>_<plugin>``; also the folder name and the key under ``plugins:``."""
    settings_model: type[S]
    version: ClassVar[str] = ""
    """The plugin's ``version.php`` number, reported by core_webservice_get_site_info."""
    strings: ClassVar[Strings] = {}
    masking: ClassVar[Masking] = Masking()

    @property
    def kind(self) -> str:
        """The plugin type: the frankenstyle prefix (``auth``, ``block``, ``local`` ...)."""
        return self.name.split("_", 1)[0]

    @property
    def auth_name(self) -> str:
        """For auth plugins, the name ``$CFG->auth`` lists (``auth_userkey`` -> ``userkey``)."""
        return self.name.split("_", 1)[1]

    def settings(self, site: Site) -> S:
        """This plugin's settings in the site's scenario (``plugins.<name>``)."""
        value = site.scenario.plugin_settings(self.name)
        assert isinstance(value, self.settings_model)
        return value

    def is_active(self, site: Site) -> bool:
        """Auth plugins act when enabled in ``moodle.auth``; other plugins when installed."""
        if self.kind == "auth":
            return site.auth_enabled(self.auth_name)
        settings = self.settings(site)
        return not isinstance(settings, InstallableSettings) or settings.installed

    def session(self, browser: BrowserSession) -> dict[str, Any]:
        """This plugin's namespaced part of ``$SESSION``: ``session.data[<name>]``."""
        return plugin_session(browser, self.name)

    def routes(self) -> Sequence[BaseRoute]:
        """The plugin's pages at their real paths; served whenever the code is present, like PHP files."""
        return ()

    def world_view(self, tenant: Tenant) -> Any:
        """This plugin's section of the admin world view (``plugins.<name>``); None: no section."""
        return None

    # Moodle hooks. A hook returning a Response answers instead of the core page.

    async def pre_loginpage_hook(self, page: HookPage) -> Response | None:
        """``require_login()`` for a visitor not logged in, after ``$SESSION->wantsurl`` is stored:
        the place for an SSO decision (auth_userkey's ``should_login_redirect``)."""
        return None

    async def loginpage_hook(self, page: HookPage) -> Response | None:
        """Every load of ``/login/index.php`` (GET or POST, logged in or not)."""
        return None

    async def logoutpage_hook(self, page: HookPage, redirect: str) -> str:
        """``/login/logout.php`` with a confirmed sesskey, before the session ends: may replace the
        redirect target (Moodle's global ``$redirect``)."""
        return redirect

    async def course_view_hook(self, page: CoursePage) -> Response | None:
        """``/course/view.php`` before the course renders: a page instead of the course (a gate)."""
        return None
