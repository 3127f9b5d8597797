"""The one interface core pages call: Moodle's hooks, run over the active plugins in order.

Core pages know no plugin by name; each function here mirrors the loop core runs over
``get_enabled_auth_plugins()`` (and, for the course page, the installed plugins).
"""

from __future__ import annotations

from starlette.responses import Response

from mockserver.moodle.plugins.interface import CoursePage, HookPage
from mockserver.moodle.plugins.registry import active_plugins


async def pre_loginpage(page: HookPage) -> Response | None:
    """``require_login()``: the first plugin that answers (an SSO redirect) wins."""
    for plugin in active_plugins(page.site):
        response = await plugin.pre_loginpage_hook(page)
        if response is not None:
            return response
    return None


async def loginpage(page: HookPage) -> Response | None:
    """``/login/index.php``: the first plugin that answers wins."""
    for plugin in active_plugins(page.site):
        response = await plugin.loginpage_hook(page)
        if response is not None:
            return response
    return None


async def logoutpage(page: HookPage, redirect: str) -> str:
    """``/login/logout.php``: each plugin may replace the redirect; the last one to do so wins."""
    for plugin in active_plugins(page.site):
        redirect = await plugin.logoutpage_hook(page, redirect)
    return redirect


async def course_view(page: CoursePage) -> Response | None:
    """``/course/view.php``: the first plugin that puts a page in front of the course wins."""
    for plugin in active_plugins(page.site):
        response = await plugin.course_view_hook(page)
        if response is not None:
            return response
    return None
