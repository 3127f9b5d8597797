"""The plugin's table: admin world view, expiry and cap of rows, reset, journal masking."""

from __future__ import annotations

from mockserver.admin.masking import mask_text
from mockserver.admin.world_view import world_view
from mockserver.moodle.plugins.local_eduauth.tables import EduauthTables
from tests.harness import DEMO, ServerFactory
from tests.moodle import util as u
from tests.moodle.conftest import RestFactory
from tests.moodle.plugins.local_eduauth.util import ALUMNO1, APPID, INSTALLED, TOKEN, app_login, getuser, table


def test_world_view_shows_rows_and_their_state(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess(**INSTALLED)
    app_login(h)
    table(h).insert(4, "second-token-0001", APPID, u.NOW, 100)
    getuser(h)  # redeems the first row
    section = world_view(h.tenant)["plugins"]["local_eduauth"]
    assert section == {
        "settings": {"installed": True, "callforward": {}, "pending_lifetime": 86400, "max_rows": 10000},
        "rows": [
            {
                "id": 1,
                "userid": ALUMNO1,
                "token": "T0k3…-app",
                "appid": APPID,
                "redeemed": 1,
                "created": u.NOW,
                "used": 0,
                "state": "redeemed",
            },
            {
                "id": 2,
                "userid": 4,
                "token": "seco…0001",
                "appid": APPID,
                "redeemed": 0,
                "created": u.NOW,
                "used": 0,
                "state": "pending",
            },
        ],
    }


def test_not_installed_has_no_section(rest_inprocess: RestFactory) -> None:
    assert "local_eduauth" not in world_view(rest_inprocess().tenant)["plugins"]


def test_the_demo_world_has_it(inprocess: ServerFactory) -> None:
    h = inprocess(DEMO)
    assert world_view(h.tenant)["plugins"]["local_eduauth"]["rows"] == []
    assert any(s.shortname == "moodle_mobile_app" and s.enabled for s in h.tenant.store.services())


def test_pending_rows_expire_redeemed_rows_stay(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess(plugins={"local_eduauth": {"pending_lifetime": 60}})
    rows = table(h)
    rows.insert(ALUMNO1, "redeemed", APPID, u.NOW, 100)
    rows.redeem(rows.rows()[0])
    rows.insert(ALUMNO1, TOKEN, APPID, u.NOW, 100)
    h.tenant.clock.advance(59)
    assert [r.token for r in table(h).rows()] == ["redeemed", TOKEN]
    h.tenant.clock.advance(1)
    assert getuser(h).text == '{"error":"no_data_for_token"}'
    assert [r.token for r in table(h).rows()] == ["redeemed"]


def test_rows_are_capped_least_recently_used_first() -> None:
    rows = EduauthTables()
    first = rows.insert(1, "a", APPID, 100, 3)
    rows.insert(2, "b", APPID, 101, 3)
    rows.insert(3, "c", APPID, 102, 3)
    rows.touch(first, 103)  # "a" is in use: "b" is now the least recently used
    rows.insert(4, "d", APPID, 104, 3)
    assert [r.token for r in rows.rows()] == ["a", "c", "d"]
    assert rows.pending("b", APPID) is None
    for i in range(1000):
        rows.insert(5, f"t{i}", APPID, 105, 3)
    assert len(rows.rows()) == 3


def test_reset_empties_the_table(rest_inprocess: RestFactory) -> None:
    h = rest_inprocess(**INSTALLED)
    app_login(h)
    assert len(table(h).rows()) == 1
    h.tenant.reset()
    assert table(h).rows() == []


def test_journal_shortens_numeric_tokens() -> None:
    assert (
        mask_text('{"appid":"a.b.c","token":12345678901234,"userid":3}')
        == '{"appid":"a.b.c","token":1234…1234,"userid":3}'
    )
    assert mask_text('{"wstoken":"0123456789abcdef0123456789abcdef"}') == '{"wstoken":"0123…cdef"}'
