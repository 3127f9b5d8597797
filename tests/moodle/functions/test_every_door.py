"""One world, every door: what the provisioning functions change is what every other surface sees at once
(auth_userkey's login URL and login.php, the login form, token.php, /my/, course/view.php and the SENCE gate
of a SENCE course), and course/view.php's access time is what core_enrol_get_users_courses reports."""

from __future__ import annotations

from typing import Any

from tests.harness import Harness
from tests.moodle import util as u
from tests.moodle.functions import util as f
from tests.moodle.functions.conftest import ProvFactory

MOBILE_SERVICE = {"name": "Moodle mobile web service", "shortname": "moodle_mobile_app", "functions": []}
CALLER_SERVICE = {"name": "Caller service", "functions": ["core_user_get_users_by_field"]}
PASSWORD = "Jperez123!"


def create(h: Harness, **extra: str) -> int:
    fields = {
        "username": "jperez",
        "password": PASSWORD,
        "firstname": "Juan",
        "lastname": "Pérez",
        "email": "juan.perez@example.com",
        **extra,
    }
    response = f.call(h, "core_user_create_users", **{f"users[0][{k}]": v for k, v in fields.items()})
    userid: int = response.json()[0]["id"]
    return userid


def enrol(h: Harness, userid: int, courseid: int) -> None:
    params = {
        "enrolments[0][roleid]": "5",
        "enrolments[0][userid]": str(userid),
        "enrolments[0][courseid]": str(courseid),
    }
    assert f.call(h, "enrol_manual_enrol_users", **params).text == "null"


def login_url(h: Harness, username: str) -> Any:
    return f.call(h, "auth_userkey_request_login_url", **{"user[username]": username}).json()


def my_courses(h: Harness) -> list[str]:
    page = h.client.get("/my/")
    assert page.status_code == 200
    return [part.split('"', 1)[0] for part in page.text.split('data-courseid="')[1:]]


def test_a_created_user_logs_in_through_the_login_url(prov: ProvFactory) -> None:
    h = prov()
    create(h)
    url = login_url(h, "jperez")["loginurl"]
    assert url.startswith(f"{h.base_url}/auth/userkey/login.php?key=")
    response = h.client.get(url.removeprefix(h.base_url))
    assert response.status_code == 303
    assert u.whoami(h) == "Juan Pérez"


def test_a_created_user_logs_in_through_the_form_and_token_php(prov: ProvFactory) -> None:
    h = prov(services=[CALLER_SERVICE, MOBILE_SERVICE])
    create(h)
    assert u.login_form(h, "jperez", PASSWORD).status_code == 303
    assert u.whoami(h) == "Juan Pérez"
    token = h.client.post(
        "/login/token.php", data={"username": "jperez", "password": PASSWORD, "service": "moodle_mobile_app"}
    ).json()
    assert set(token) == {"token", "privatetoken"} and len(token["token"]) == 32


def test_an_enrolment_shows_on_my_and_opens_the_course(prov: ProvFactory) -> None:
    h = prov()
    userid = create(h)
    u.login_form(h, "jperez", PASSWORD)
    assert my_courses(h) == []
    assert h.client.get("/course/view.php?id=3").headers["location"] == f"{h.base_url}/enrol/index.php?id=3"
    enrol(h, userid, 3)
    assert my_courses(h) == ["3"]
    page = h.client.get("/course/view.php?id=3")
    assert page.status_code == 200 and "Prevención de riesgos" in page.text and 'id="sence-gate"' not in page.text


def test_an_enrolment_in_a_sence_course_puts_the_student_behind_the_gate(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    userid = create(h, **{"customfields][0][type": "runalumno", "customfields][0][value": "11111111-1"})
    enrol(h, userid, 2)
    u.login_form(h, "jperez", PASSWORD)
    page = h.client.get("/course/view.php?id=2")
    assert page.status_code == 200 and 'id="sence-gate" data-courseid="2"' in page.text


def test_unenrol_and_suspend_take_it_away(prov: ProvFactory) -> None:
    h = prov()
    userid = create(h)
    enrol(h, userid, 3)
    u.login_form(h, "jperez", PASSWORD)
    assert h.client.get("/course/view.php?id=3").status_code == 200
    unenrol = {"enrolments[0][userid]": str(userid), "enrolments[0][courseid]": "3"}
    assert f.call(h, "enrol_manual_unenrol_users", **unenrol).text == "null"
    assert my_courses(h) == []
    assert h.client.get("/course/view.php?id=3").headers["location"] == f"{h.base_url}/enrol/index.php?id=3"
    suspend = {"users[0][id]": str(userid), "users[0][suspended]": "1"}
    assert f.call(h, "core_user_update_users", **suspend).text == '{"warnings":[]}'
    assert u.whoami(h) is None  # the session is gone
    u.login_form(h, "jperez", PASSWORD)
    assert u.whoami(h) is None  # and the form refuses a suspended user


def test_a_suspended_enrolment_hides_the_course(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    userid = create(h)
    enrol(h, userid, 3)
    params = {
        "enrolments[0][roleid]": "5",
        "enrolments[0][userid]": str(userid),
        "enrolments[0][courseid]": "3",
        "enrolments[0][suspend]": "1",
    }
    assert f.call(h, "enrol_manual_enrol_users", **params).text == "null"
    u.login_form(h, "jperez", PASSWORD)
    assert my_courses(h) == []
    assert f.call(h, "core_enrol_get_users_courses", userid=str(userid)).text == "[]"


def test_a_rename_is_what_auth_userkey_maps(prov: ProvFactory) -> None:
    h = prov()
    userid = create(h)
    rename = {"users[0][id]": str(userid), "users[0][username]": "juan.perez"}
    assert f.call(h, "core_user_update_users", **rename).text == '{"warnings":[]}'
    refused = login_url(h, "jperez")
    assert (refused["exception"], refused["errorcode"]) == ("invalid_parameter_exception", "invalidparameter")
    url = login_url(h, "juan.perez")["loginurl"]
    h.client.get(url.removeprefix(h.base_url))
    assert u.whoami(h) == "Juan Pérez"


def test_course_view_updates_lastaccess_at_most_once_a_minute(prov_inprocess: ProvFactory) -> None:
    h = prov_inprocess()
    userid = create(h)
    enrol(h, userid, 3)

    def lastaccess() -> Any:
        return f.call(h, "core_enrol_get_users_courses", userid=str(userid)).json()[0]["lastaccess"]

    assert lastaccess() is None
    u.login_form(h, "jperez", PASSWORD)
    h.client.get("/course/view.php?id=3")
    assert lastaccess() == f.NOW
    h.tenant.clock.advance(59)
    h.client.get("/course/view.php?id=3")
    assert lastaccess() == f.NOW
    h.tenant.clock.advance(1)
    h.client.get("/course/view.php?id=3")
    assert lastaccess() == f.NOW + 60
