"""``auth_userkey | iprestriction`` stored as Moodle stores config (a string) and judged the PHP way
(``== true`` in the auth class, ``!empty()`` in the key manager: only ``''`` and ``'0'`` are off);
the key's IP judged by core's ``address_in_subnet`` (auth-userkey.md §3, §5, §10)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.moodle import util as u
from tests.moodle.conftest import RestFactory

LOGIN = "auth_userkey_request_login_url"
P = "Invalid parameter value detected"


@pytest.mark.parametrize(
    ("value", "stored", "on"),
    [
        (True, "1", True),
        (False, "0", False),
        (1, "1", True),
        (0, "0", False),
        ("1", "1", True),
        ("0", "0", False),
        ("", "", False),
        ("string", "string", True),
        ("false", "false", True),
        ("00", "00", True),
        (" ", " ", True),
    ],
)
def test_setting_is_a_config_string_judged_by_php(
    rest_inprocess: RestFactory, value: Any, stored: str, on: bool
) -> None:
    h = rest_inprocess(auth_userkey={"mappingfield": "username", "iprestriction": value}, moodle={"debug": "normal"})
    assert h.app.tenants.default.scenario.plugins.model_dump()["auth_userkey"]["iprestriction"] == stored
    without_ip = h.rest(LOGIN, token=u.WSUSER, **{"user[username]": "carla"})
    with_ip = h.rest(LOGIN, token=u.WSUSER, **{"user[username]": "carla", "user[ip]": "10.1.2.3"})
    if on:
        missing = f"user => {P}: Missing required key in single structure: ip"
        u.assert_rest(without_ip, u.json_error("invalid_parameter_exception", "invalidparameter", P, missing))
        assert with_ip.json()["loginurl"]
        key = u.only_key(h, 40)
        assert next(k for k in h.tenant.store.user_keys() if k.value == key).iprestriction == "10.1.2.3"
    else:
        unexpected = f"user => {P}: Unexpected keys (ip) detected in parameter array."
        u.assert_rest(with_ip, u.json_error("invalid_parameter_exception", "invalidparameter", P, unexpected))
        assert without_ip.json()["loginurl"]
        key = u.only_key(h, 40)
        assert next(k for k in h.tenant.store.user_keys() if k.value == key).iprestriction is None


def test_a_non_string_non_scalar_value_is_refused(rest_inprocess: RestFactory) -> None:
    with pytest.raises(Exception, match="iprestriction"):
        rest_inprocess(auth_userkey={"iprestriction": ["1"]})


@pytest.mark.parametrize(
    ("bound", "client_ok"),
    [
        ("127.0.0.1", True),
        ("127.0.0.0/8", True),
        ("127.0.0.1-5", True),
        ("127.0.", True),
        ("127.0.0.2", False),
        ("127.0.0.2-9", False),
        ("10.0.0.0/8, 127.0.0.1", True),  # core splits on commas
        ("localhost", False),  # a hostname never matches
    ],
)
def test_key_ip_judged_by_address_in_subnet(rest_inprocess: RestFactory, bound: str, client_ok: bool) -> None:
    h = rest_inprocess(auth_userkey={"mappingfield": "username", "iprestriction": "yes"}, moodle={"debug": "normal"})
    url = h.rest(LOGIN, token=u.WSUSER, **{"user[username]": "carla", "user[ip]": "10.9.9.9"}).json()["loginurl"]
    key = u.only_key(h, 40)
    stored = next(k for k in h.tenant.store.user_keys() if k.value == key)
    stored.iprestriction = bound
    response = h.client.get(url.removeprefix(h.base_url))
    assert (response.status_code == 303) is client_ok
