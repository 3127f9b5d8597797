"""Moodle's plain browser surface: front page, login form, dashboard, course page, logout.

Plugins join in through Moodle's hooks (mockserver.moodle.plugins.hooks); no plugin is named here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from mockserver.moodle.auth import authenticate_user_login
from mockserver.moodle.domain.courses import frontpage_courses
from mockserver.moodle.domain.enrolments import active_courses, active_enrolment, record_course_access
from mockserver.moodle.errors import DmlMissingRecordException, MoodleException
from mockserver.moodle.lang import get_string
from mockserver.moodle.pages.http import error_page, page_context, page_lang, redirect, script_path
from mockserver.moodle.pages.params import PageParams
from mockserver.moodle.pages.session import LOGIN_ERROR, TIMED_OUT, BrowserSession
from mockserver.moodle.plugins import hooks
from mockserver.moodle.plugins.interface import CoursePage, HookPage
from mockserver.moodle.site import Site
from mockserver.templating import html
from mockserver.world.entities import SITE_COURSE_ID, Course, User


async def require_login(site: Site, browser: BrowserSession, params: PageParams) -> Response | None:
    """Not logged in: remember wantsurl, then the auth plugins' ``pre_loginpage_hook`` (an SSO host),
    else the login page."""
    if browser.is_real_user:
        return None
    browser.session.wantsurl = _me(site)
    browser.save()
    sso = await hooks.pre_loginpage(HookPage(site, browser, params))
    if sso is not None:
        return sso
    return redirect(site, browser, f"{site.wwwroot}/login/index.php")


def _me(site: Site) -> str:
    """The full URL of this request as Moodle's ``qualified_me()`` gives it."""
    url = site.request.url
    host = site.wwwroot.split("/", 3)
    base = "/".join(host[:3])
    return f"{base}{script_path(site)}" + (f"?{url.query}" if url.query else "")


async def front_page(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    courses = frontpage_courses(site)
    return browser.apply_cookie(html("moodle/index.html", **page_context(site, browser, courses=courses)))


async def login_index(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    timed_out = browser.userid == 0 and browser.session.data.pop(TIMED_OUT, False)  # read once, as Moodle
    if timed_out:
        browser.save()
    hooked = await hooks.loginpage(HookPage(site, browser, params))
    if hooked is not None:
        return hooked
    if timed_out and not params.post:
        # login/index.php: "Detect problems with timedout sessions", then its redirect to itself
        # that carries the message in $SESSION->loginerrormsg.
        browser.session.data[LOGIN_ERROR] = get_string("sessionerroruser", "error", lang=page_lang(site, browser))
        browser.save()
        return redirect(site, browser, f"{site.wwwroot}/login/index.php")
    username_raw = params.raw("username")
    error = browser.session.data.pop(LOGIN_ERROR, "") if browser.userid == 0 else ""
    if error:
        browser.save()
    if request.method == "POST" and isinstance(username_raw, str):
        username = username_raw.strip().lower()
        password = params.raw("password")
        user = authenticate_user_login(site, username, password if isinstance(password, str) else "")
        if user is not None:
            wantsurl = browser.session.wantsurl
            browser.login(user)
            return redirect(site, browser, wantsurl or f"{site.wwwroot}/my/")
        error = get_string("invalidlogin", "error", lang=page_lang(site, browser))
    context = page_context(site, browser, error=error, username=username_raw if isinstance(username_raw, str) else "")
    return browser.apply_cookie(html("moodle/login.html", **context))


def _visible_courses(site: Site, user: User) -> list[Course]:
    return active_courses(site, user.id)


async def my_index(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    bounce = await require_login(site, browser, params)
    if bounce is not None:
        return bounce
    user = browser.user
    assert user is not None
    context = page_context(site, browser, courses=_visible_courses(site, user))
    return browser.apply_cookie(html("moodle/my.html", **context))


async def course_view(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    courseid = params.optional("id", 0, "int")
    try:
        if not courseid:
            raise MoodleException("unspecifycourseid", "error")
        course = site.store.course(int(courseid))
        if course is None:
            raise DmlMissingRecordException("course", "SELECT * FROM {course} WHERE id = ?", [str(courseid)])
    except MoodleException as error:
        return error_page(site, browser, error)
    bounce = await require_login(site, browser, params)
    if bounce is not None:
        return bounce
    user = browser.user
    assert user is not None
    if course.id == SITE_COURSE_ID:
        return redirect(site, browser, f"{site.wwwroot}/")
    enrolment = active_enrolment(site, user.id, course.id)
    if enrolment is None and not user.siteadmin:
        return redirect(site, browser, f"{site.wwwroot}/enrol/index.php?id={course.id}")
    if enrolment is not None:
        enrolment = record_course_access(site, enrolment)  # require_login() -> user_accesstime_log()
    gated = await hooks.course_view(CoursePage(site, browser, params, user=user, course=course, enrolment=enrolment))
    if gated is not None:
        return gated
    return browser.apply_cookie(html("moodle/course.html", **page_context(site, browser, course=course, notice="")))


async def enrol_index(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    try:
        course = site.store.course(int(params.required("id", "int")))
        if course is None:
            raise DmlMissingRecordException("course", "SELECT * FROM {course} WHERE id = ?", [str(params.raw("id"))])
    except MoodleException as error:
        return error_page(site, browser, error)
    bounce = await require_login(site, browser, params)
    if bounce is not None:
        return bounce
    return browser.apply_cookie(html("moodle/enrol.html", **page_context(site, browser, course=course)))


async def login_logout(request: Request) -> Response:
    site = Site.of(request)
    browser = BrowserSession(site)
    params = await PageParams.read(request, site)
    destination = f"{site.wwwroot}/login/index.php" if params.optional("loginpage", 0, "bool") else f"{site.wwwroot}/"
    if not browser.session.userid:
        browser.logout()
        return redirect(site, browser, destination)
    if params.optional("sesskey", "__notpresent__", "raw") != browser.session.sesskey:
        return browser.apply_cookie(html("moodle/logout_confirm.html", **page_context(site, browser)))
    destination = await hooks.logoutpage(HookPage(site, browser, params), destination)
    browser.logout()
    return redirect(site, browser, destination)
