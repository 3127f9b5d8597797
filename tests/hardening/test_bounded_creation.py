"""What requests create outside the runtime tables is capped too (issue 9 part 2): users created at
run time (``limits.created_users``, refused as Moodle's insert fails: ``dml_write_exception``) and
tenants created through the admin API (``--max-tenants``, a 409 naming the limit)."""

from __future__ import annotations

from typing import Any

from tests.admin.helpers import admin
from tests.harness import Harness, ServerFactory
from tests.moodle import util as u
from tests.moodle.functions.util import INTEGRATION, PROVISIONING

CREATE = "core_user_create_users"
LIMIT_DEBUG = (
    "mock server limit: limits.created_users = {cap} users created at run time in this tenant"
    " (docs/scenarios.md#limits)"
)


def dml_write(cap: int) -> str:
    """Debug developer: the debuginfo names the limit and moodle_exception appends it to the message."""
    debug = LIMIT_DEBUG.format(cap=cap)
    return u.json_error("dml_write_exception", "dmlwriteexception", f"Error writing to database ({debug})", debug)


def new_user(i: int, name: str) -> dict[str, str]:
    fields = {"username": name, "firstname": "F", "lastname": "L", "email": f"{name}@example.com"}
    fields["password"] = "Secret12!"
    return {f"users[{i}][{k}]": v for k, v in fields.items()}


def usernames(h: Harness) -> set[str]:
    return {user.username for user in h.tenant.store.users()}


def provisioning(server: ServerFactory, cap: int) -> Harness:
    return server(scenario=PROVISIONING, overrides={"moodle": {"debug": "developer"}, "limits": {"created_users": cap}})


def test_core_user_create_users_past_the_cap_is_a_database_write_error(server: ServerFactory) -> None:
    h = provisioning(server, 2)
    created = h.rest(CREATE, token=INTEGRATION, **new_user(0, "ana"), **new_user(1, "bea"))
    assert created.status_code == 200 and '"username":"bea"' in created.text
    refused = h.rest(CREATE, token=INTEGRATION, **new_user(0, "carla"))
    u.assert_rest(refused, dml_write(2))
    assert "carla" not in usernames(h)


def test_a_batch_that_does_not_fit_creates_nobody(server: ServerFactory) -> None:
    h = provisioning(server, 2)
    refused = h.rest(CREATE, token=INTEGRATION, **new_user(0, "ana"), **new_user(1, "bea"), **new_user(2, "carla"))
    u.assert_rest(refused, dml_write(2))  # the third insert fails: the transaction rolls back
    assert not {"ana", "bea", "carla"} & usernames(h)


def test_the_parameter_checks_come_before_the_insert(server: ServerFactory) -> None:
    h = provisioning(server, 0)
    blank = {**new_user(0, "ana"), "users[0][firstname]": " "}
    refused = h.rest(CREATE, token=INTEGRATION, **blank)
    assert '"errorcode":"invalidparameter"' in refused.text and "The field firstname cannot be blank" in refused.text


def test_auth_userkey_createuser_past_the_cap(server: ServerFactory) -> None:
    overrides: dict[str, Any] = {
        "auth_userkey": {"mappingfield": "username", "createuser": True},
        "moodle": {"debug": "developer"},
        "limits": {"created_users": 1},
    }
    h = server(scenario=u.REST_SCENARIO, overrides=overrides)

    def request(name: str) -> Any:
        user = {"username": name, "firstname": "F", "lastname": "L", "email": f"{name}@example.com"}
        return h.rest("auth_userkey_request_login_url", token=u.WSUSER, **{f"user[{k}]": v for k, v in user.items()})

    assert "loginurl" in request("nueva1").json()
    u.assert_rest(request("nueva2"), dml_write(1))
    assert "nueva2" not in usernames(h)
    assert "loginurl" in request("nueva1").json()  # an existing user still gets keys


def test_tenants_past_max_tenants_are_refused_with_the_limit_named(server: ServerFactory) -> None:
    h = server(max_tenants=3)
    for name in ("t1", "t2"):
        assert admin(h, "POST", "/tenants", json={"name": name}).status_code == 201
    refused = admin(h, "POST", "/tenants", json={"name": "t3"})
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "tenant limit reached: 3 tenants (--max-tenants); delete one (DELETE /__mock/tenants/{name}) "
        "or reset one instead"
    }
    assert admin(h, "DELETE", "/tenants/t1").status_code == 204
    assert admin(h, "POST", "/tenants", json={"name": "t3"}).status_code == 201
