"""The plugin seam: discovery, the hooks core calls and their order, disabled and uninstalled plugins."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from starlette.responses import PlainTextResponse, Response

from mockserver.moodle.plugins import discovery, hooks, registry
from mockserver.moodle.plugins.auth_userkey.settings import AuthUserkeySettings
from mockserver.moodle.plugins.block_sence.settings import SenceGateSettings
from mockserver.moodle.plugins.interface import CoursePage, HookPage, MoodlePlugin
from mockserver.moodle.plugins.settings_base import PluginSettings
from mockserver.moodle.webservice.registry import registry as function_table
from tests.harness import DEMO, ServerFactory, run_async


def test_every_subpackage_is_a_plugin_and_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("local_b", "auth_a"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "interface.py").write_text("")  # a seam module, not a plugin
    (tmp_path / "templates").mkdir()  # a folder without __init__.py, not a plugin
    monkeypatch.setattr(discovery, "_FOLDER", tmp_path)
    discovery.plugin_names.cache_clear()
    try:
        assert discovery.plugin_names() == ("auth_a", "local_b")
    finally:
        discovery.plugin_names.cache_clear()


def test_shipped_plugins_are_found_with_their_parts() -> None:
    found = {p.name: p for p in registry.installed_plugins()}
    assert {"auth_userkey", "block_sence"} <= set(found)
    assert (found["auth_userkey"].kind, found["auth_userkey"].auth_name) == ("auth", "userkey")
    assert found["block_sence"].kind == "block"
    assert found["auth_userkey"].settings_model is AuthUserkeySettings
    assert found["block_sence"].settings_model is SenceGateSettings
    login_url = function_table()["auth_userkey_request_login_url"]
    assert login_url.component == "auth_userkey"
    assert registry.plugin_versions()["auth_userkey"] == "2022081901"
    paths = {getattr(route, "path", "") for route in registry.plugin_routes()}
    assert {"/auth/userkey/login.php", "/auth/userkey/logout.php", "/blocks/sence/retorno.php"} <= paths


class _Settings(PluginSettings):
    pass


def _fake(name: str, calls: list[str], *, answers: bool = False, active: bool = True) -> MoodlePlugin[Any]:
    """A plugin that records each hook call and, when ``answers``, returns a page from it."""

    class Fake(MoodlePlugin[_Settings]):
        settings_model = _Settings

        def is_active(self, site: Any) -> bool:
            return active if self.kind != "auth" else super().is_active(site)

        async def pre_loginpage_hook(self, page: HookPage) -> Response | None:
            calls.append(f"{self.name}.pre_loginpage")
            return PlainTextResponse(self.name) if answers else None

        async def loginpage_hook(self, page: HookPage) -> Response | None:
            calls.append(f"{self.name}.loginpage")
            return PlainTextResponse(self.name) if answers else None

        async def logoutpage_hook(self, page: HookPage, redirect: str) -> str:
            calls.append(f"{self.name}.logoutpage")
            return f"{redirect}>{self.name}"

        async def course_view_hook(self, page: CoursePage) -> Response | None:
            calls.append(f"{self.name}.course_view")
            return PlainTextResponse(self.name) if answers else None

    Fake.name = name
    return Fake()


def _page(auth: list[str]) -> HookPage:
    site = SimpleNamespace(cfg=SimpleNamespace(auth=auth))
    site.auth_enabled = lambda plugin: plugin in ("manual", "nologin") or plugin in auth
    return HookPage(cast(Any, site), cast(Any, None), cast(Any, None))


def _install(monkeypatch: pytest.MonkeyPatch, *plugins: MoodlePlugin[Any]) -> None:
    monkeypatch.setattr(registry, "installed_plugins", lambda: plugins)


def test_auth_hooks_run_in_moodle_auth_order_then_other_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _install(monkeypatch, _fake("auth_a", calls), _fake("auth_b", calls), _fake("local_c", calls))
    page = _page(["b", "a"])
    assert [p.name for p in registry.active_plugins(page.site)] == ["auth_b", "auth_a", "local_c"]
    assert run_async(lambda: hooks.logoutpage(page, "/")) == "/>auth_b>auth_a>local_c"
    assert run_async(lambda: hooks.loginpage(page)) is None
    assert calls == [
        "auth_b.logoutpage",
        "auth_a.logoutpage",
        "local_c.logoutpage",
        "auth_b.loginpage",
        "auth_a.loginpage",
        "local_c.loginpage",
    ]


def test_the_first_plugin_to_answer_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _install(monkeypatch, _fake("auth_a", calls, answers=True), _fake("auth_b", calls, answers=True))
    response = run_async(lambda: hooks.pre_loginpage(_page(["b", "a"])))
    assert response is not None and bytes(response.body) == b"auth_b"
    assert calls == ["auth_b.pre_loginpage"]


def test_a_disabled_auth_plugin_and_an_uninstalled_plugin_never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    _install(
        monkeypatch,
        _fake("auth_a", calls, answers=True),
        _fake("auth_b", calls),
        _fake("local_c", calls, answers=True, active=False),
    )
    page = _page(["b", "nosuchplugin"])
    assert run_async(lambda: hooks.pre_loginpage(page)) is None
    assert run_async(lambda: hooks.loginpage(page)) is None
    assert run_async(lambda: hooks.logoutpage(page, "/x")) == "/x>auth_b"
    course = CoursePage(
        page.site, page.browser, page.params, user=cast(Any, None), course=cast(Any, None), enrolment=None
    )
    assert run_async(lambda: hooks.course_view(course)) is None
    assert calls == ["auth_b.pre_loginpage", "auth_b.loginpage", "auth_b.logoutpage", "auth_b.course_view"]


def test_plugin_session_state_is_namespaced() -> None:
    from mockserver.world.entities import Session

    session = Session(sid="s", data={"lang": "es"})
    browser = SimpleNamespace(session=session)
    plugin = registry.plugin("auth_userkey")
    assert plugin is not None
    plugin.session(cast(Any, browser))["userkey"] = True
    assert session.data == {"lang": "es", "auth_userkey": {"userkey": True}}


def test_an_uninstalled_block_does_not_gate_the_course(server: ServerFactory) -> None:
    h = server(DEMO, {"plugins": {"block_sence": {"installed": False}}})
    assert h.client.get(h.login_url("alumno1")).status_code == 303
    page = h.client.get("/course/view.php?id=2")
    assert page.status_code == 200
    assert 'id="sence-gate"' not in page.text and 'id="region-main"' in page.text


def test_the_demo_student_meets_the_installed_block(server: ServerFactory) -> None:
    h = server(DEMO)
    assert h.client.get(h.login_url("alumno1")).status_code == 303
    assert 'id="sence-gate"' in h.client.get("/course/view.php?id=2").text


def test_each_plugin_brings_its_section_of_the_admin_world_view(inprocess: ServerFactory) -> None:
    from mockserver.admin.world_view import world_view

    h = inprocess(DEMO)
    assert h.client.get(h.login_url("alumno1")).status_code == 303
    world = world_view(h.tenant)
    assert world["plugins"]["block_sence"] == {
        "settings": {
            "installed": True,
            "otec_rut": "76543210-3",
            "otec_token": "5EEB…3220",
            "url": None,
            "environment": "rce",
            "validity": 10800,
        },
        "records": [],
    }
    assert "auth_userkey" not in world["plugins"]  # its keys are core's user_private_key table: "keys"
    [session] = world["sessions"]
    assert session["data"] == {"auth_userkey": {"userkey": True}}


def test_plugin_tables_live_in_the_tenant_store_until_reset(inprocess: ServerFactory) -> None:
    h = inprocess(DEMO)
    rows = h.tenant.store.plugin_state("local_example", list)
    rows.append("row")
    assert h.tenant.store.plugin_state("local_example", list) == ["row"]
    h.tenant.reset()
    assert h.tenant.store.plugin_state("local_example", list) == []
