"""The caps on what requests create hold for a site of several processes on one Redis: users
created at run time (``limits.created_users``) and tenants (``--max-tenants``) are counted from
the shared state, not per process. Each ``inprocess`` harness is a separate app, as two workers."""

from __future__ import annotations

from typing import Any

from tests.admin.helpers import admin
from tests.harness import Harness, ServerFactory
from tests.moodle.functions.util import INTEGRATION, PROVISIONING

CREATE = "core_user_create_users"


def create(h: Harness, name: str) -> Any:
    fields = {"username": name, "firstname": "F", "lastname": "L", "email": f"{name}@example.com"}
    fields["password"] = "Secret12!"
    return h.rest(CREATE, token=INTEGRATION, **{f"users[0][{k}]": v for k, v in fields.items()})


def test_created_users_are_counted_for_the_site(inprocess: ServerFactory, redis_url: str) -> None:
    overrides = {"limits": {"created_users": 1}}
    a = inprocess(scenario=PROVISIONING, overrides=overrides, store_url=redis_url)
    b = inprocess(scenario=PROVISIONING, overrides=overrides, store_url=redis_url)
    assert '"username":"ana"' in create(a, "ana").text
    refused = create(b, "bea")
    assert '"exception":"dml_write_exception"' in refused.text
    assert [u.username for u in b.tenant.store.find_users("username", "bea")] == []


def test_max_tenants_counts_the_site_s_tenants(inprocess: ServerFactory, redis_url: str) -> None:
    a = inprocess(store_url=redis_url, max_tenants=2)
    b = inprocess(store_url=redis_url, max_tenants=2)
    assert admin(a, "POST", "/tenants", json={"name": "t1"}).status_code == 201
    assert admin(b, "POST", "/tenants", json={"name": "t2"}).status_code == 409
