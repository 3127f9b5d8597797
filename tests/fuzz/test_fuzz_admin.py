"""Seeded fuzz of the admin API from its OpenAPI document: no 5xx, no traceback; afterwards the
default tenant is exactly as it was and its demo flows work, the fuzzed tenant's read-backs answer,
and putting the demo scenario back gives the demo's world."""

from __future__ import annotations

from tests.fuzz import engine
from tests.fuzz.admin import FUZZ_TENANT, admin_cases, operations
from tests.fuzz.record import Recorder
from tests.fuzz.targets import AdminSession
from tests.fuzz.world import harness, moodle_flow, read_backs_work, sence_flow, stable_view, timeless
from tests.harness import DEMO

EXAMPLES = 400


def test_admin_api_survives_the_fuzz() -> None:
    fuzz = AdminSession()
    driver = fuzz.driver
    try:
        default_before = stable_view(driver.app.tenants.default)
        recorder = Recorder()
        engine.run(driver, admin_cases(), recorder, EXAMPLES, seed=3, before=fuzz.ensure_tenant)
        assert sum(recorder.cases.values()) >= EXAMPLES
        # The cases come from the document: an operation added to the API is fuzzed with no change here.
        assert set(recorder.cases) == {f"admin {method} {path}" for method, path in operations()}
        fuzz.ensure_tenant()
        assert stable_view(driver.app.tenants.default) == default_before
        read_backs_work(driver, FUZZ_TENANT)
        assert driver.http("DELETE", "/__mock/faults").status_code == 200  # server-wide faults are the fuzz's
        moodle_flow(harness(driver))
        sence_flow(harness(driver))
        put = driver.http("PUT", f"/__mock/tenants/{FUZZ_TENANT}/scenario", params={"path": str(DEMO)})
        assert put.status_code == 200, put.text
        fuzzed = driver.app.tenants.get(FUZZ_TENANT)
        assert fuzzed is not None
        mine, demo = timeless(stable_view(fuzzed)), timeless(fuzz.session.initial)
        assert {**mine, "tenant": "default"} == demo
    finally:
        fuzz.close()
