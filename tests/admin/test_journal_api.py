"""The journal over HTTP: what an entry holds, filters, bounds, text format, verification."""

from __future__ import annotations

from tests.admin.helpers import LOGIN_URL, admin, journal, login_url, rest
from tests.harness import DEMO_TOKEN, REST, ServerFactory


def test_entry_holds_request_and_masked_response(server: ServerFactory) -> None:
    h = server()
    url = login_url(h)
    h.client.get(url + "&wantsurl=" + h.url("/my/"))
    first, second = journal(h)
    assert first["method"] == "POST" and first["path"] == REST and first["tenant"] == "default"
    assert first["form"] == {
        "wstoken": "d1c2…8f90",
        "wsfunction": LOGIN_URL,
        "moodlewsrestformat": "json",
        "user[username]": "alumno1",
    }
    assert (first["wsfunction"], first["user"], first["actor"], first["status"]) == (LOGIN_URL, "alumno1", "admin", 200)
    key = url.rsplit("=", 1)[1]
    assert key not in str(first) and DEMO_TOKEN not in str(first)
    assert first["response"]["content_type"] == "application/json"
    assert f"key={key[:4]}…{key[-4:]}" in first["response"]["body"]
    assert second["path"] == "/auth/userkey/login.php" and second["actor"] == "alumno1"
    assert second["query"]["key"] == f"{key[:4]}…{key[-4:]}"
    assert second["status"] == 303 and second["response"]["location"] == h.url("/my/")
    assert first["seq"] == 1 and second["seq"] == 2
    assert second["time"] >= first["time"] and first["duration_ms"] > 0


def test_filters(server: ServerFactory) -> None:
    h = server(overrides={"clock": {"start": "2030-01-01T00:00:00Z", "frozen": True}})
    login_url(h, username="alumno1")
    admin(h, "POST", "/tenants/default/clock/advance", json={"minutes": 5})
    login_url(h, username="alumno2")
    rest(h, function="core_webservice_get_site_info")
    h.client.get("/login/index.php")
    h.client.post("/login/index.php", data={"username": "alumno2", "password": "wrong"})

    def seqs(**params: object) -> list[int]:
        return [e["seq"] for e in journal(h, **params)]

    assert seqs(wsfunction=LOGIN_URL) == [1, 2]
    assert seqs(wsfunction="core_*") == [3]
    assert seqs(user="alumno2") == [2, 5]
    assert seqs(user="admin") == [1, 2, 3]
    assert seqs(path="/login/*") == [4, 5]
    assert seqs(method="GET") == [4]
    assert seqs(param="user[username]=alumno*") == [1, 2]
    assert seqs(since="2030-01-01T00:04:00Z") == [2, 3, 4, 5]
    assert seqs(until=1893456000 + 60) == [1]
    assert seqs(limit=2) == [4, 5]
    assert seqs(after=3) == [4, 5]
    assert seqs(status=200, method="POST", path=REST) == [1, 2, 3]
    assert admin(h, "GET", "/tenants/default/journal", params={"param": "nonsense"}).status_code == 422
    assert admin(h, "GET", "/tenants/default/journal", params={"status": "ok"}).status_code == 422
    assert admin(h, "GET", "/tenants/default/journal", params={"since": "soon"}).status_code == 422


def test_multipart_and_query_parameters(server: ServerFactory) -> None:
    h = server()
    multipart = {"wsfunction": (None, LOGIN_URL), "user[username]": (None, "alumno2")}
    h.client.post(f"{REST}?wstoken={DEMO_TOKEN}&moodlewsrestformat=json", files=multipart)
    entry = journal(h)[0]
    assert entry["query"] == {"wstoken": "d1c2…8f90", "moodlewsrestformat": "json"}
    assert entry["form"] == {"wsfunction": LOGIN_URL, "user[username]": "alumno2"}
    assert (entry["wsfunction"], entry["user"], entry["actor"], entry["status"]) == (LOGIN_URL, "alumno2", "admin", 200)


def test_bounded_journal_reports_drops(server: ServerFactory) -> None:
    h = server(journal_size=3)
    for _ in range(5):
        h.client.get("/login/index.php")
    data = admin(h, "GET", "/tenants/default/journal").json()
    assert (data["size"], data["kept"], data["total"], data["dropped"]) == (3, 3, 5, 2)
    assert [e["seq"] for e in data["entries"]] == [3, 4, 5]
    text = admin(h, "GET", "/tenants/default/journal?format=text").text
    assert text == (
        "# tenant default: 3 shown, 5 recorded, 2 dropped\n"
        "#3 GET /login/index.php -> 200\n"
        "#4 GET /login/index.php -> 200\n"
        "#5 GET /login/index.php -> 200\n"
    )
    verified = admin(h, "POST", "/tenants/default/verify", json={"path": "/login/index.php", "count": 5})
    assert verified.status_code == 417
    assert "the journal dropped 2 older request(s)" in verified.json()["message"]
    assert admin(h, "DELETE", "/tenants/default/journal").status_code == 204
    assert admin(h, "GET", "/tenants/default/journal").json()["total"] == 0


def test_journal_off(server: ServerFactory) -> None:
    h = server(journal_size=0)
    assert login_url(h).startswith(h.base_url)
    data = admin(h, "GET", "/tenants/default/journal").json()
    assert (data["size"], data["total"], data["entries"]) == (0, 0, [])


def test_admin_calls_are_not_journaled(server: ServerFactory) -> None:
    h = server()
    admin(h, "GET", "/tenants")
    admin(h, "GET", "/health")
    assert journal(h) == []


def test_verify_over_http(server: ServerFactory) -> None:
    h = server()
    login_url(h, username="alumno2")
    ok = admin(h, "POST", "/tenants/default/verify", json={"wsfunction": LOGIN_URL, "user": "alumno2", "count": 1})
    assert ok.status_code == 200 and ok.json()["ok"] is True and ok.json()["matched"] == [1]
    miss = admin(h, "POST", "/tenants/default/verify", json={"wsfunction": LOGIN_URL, "user": "alumno1", "count": 1})
    assert miss.status_code == 417
    body = miss.json()
    assert body["ok"] is False and body["count"] == 0 and body["expected"] == "exactly 1"
    assert body["nearest"][0]["differences"] == ["user: expected 'alumno1', got 'alumno2' (acting as 'admin')"]
    assert body["nearest"][0]["entry"]["form"]["wstoken"] == "d1c2…8f90"
    by_param = {"params": {"wstoken": DEMO_TOKEN}, "at_least": 1}
    assert admin(h, "POST", "/tenants/default/verify", json=by_param).status_code == 200
    invalid = admin(h, "POST", "/tenants/default/verify", json={"count": -1})
    assert invalid.status_code == 422 and invalid.json()["error"] == "invalid Expectation"
