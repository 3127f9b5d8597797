"""Faults: matched on route, wsfunction, parameters, user and tenant; first N, sequence, seeded chance."""

from __future__ import annotations

import socket
import time
from typing import Any

import httpx
import pytest

from mockserver.admin.faults import FaultBook
from mockserver.admin.faultspec import FaultSpec
from mockserver.admin.inject import ConnectionClosedByFault
from mockserver.admin.matching import RequestFacts
from tests.admin.helpers import LOGIN_URL, admin, journal, new_tenant, rest
from tests.harness import DEMO, DEMO_TOKEN, REST, ServerFactory


def add_fault(h: Any, tenant: str = "default", **spec: Any) -> dict[str, Any]:
    response = admin(h, "POST", f"/tenants/{tenant}/faults", json=spec)
    assert response.status_code == 201, response.text
    fault: dict[str, Any] = response.json()["faults"][0]
    return fault


def login(h: Any, prefix: str = "", username: str = "alumno1") -> httpx.Response:
    return rest(h, prefix, **{"user[username]": username})


def test_status_and_body_for_first_n_matches(server: ServerFactory) -> None:
    h = server()
    fault = add_fault(
        h,
        match={"wsfunction": LOGIN_URL, "params": {"user[username]": "alumno1"}},
        status=503,
        body="Service Unavailable",
        times=2,
    )
    assert fault["id"] == "fault-1" and fault["origin"] == "api"
    first, second, third = login(h), login(h), login(h)
    assert (first.status_code, first.text) == (503, "Service Unavailable")
    assert first.headers["content-type"] == "text/plain; charset=utf-8"
    assert second.status_code == 503
    assert third.status_code == 200 and "loginurl" in third.json()
    assert login(h, username="alumno2").status_code == 200  # parameters differ
    state = admin(h, "GET", "/tenants/default/faults").json()["faults"][0]
    assert (state["matched"], state["fired"], state["exhausted"]) == (3, 2, True)
    entries = journal(h)
    assert [(e["status"], e["fault"], e["outcome"]) for e in entries] == [
        (503, "fault-1", "fault"),
        (503, "fault-1", "fault"),
        (200, None, "ok"),
        (200, None, "ok"),
    ]


def test_sequence_passes_and_fails_in_order(server: ServerFactory) -> None:
    h = server()
    add_fault(
        h,
        id="flaky",
        match={"path": "/webservice/*"},
        sequence=[None, {"status": 500, "body": "boom"}, None, {"malformed": "invalid_json"}],
    )
    statuses = [login(h).status_code for _ in range(5)]
    assert statuses == [200, 500, 200, 200, 200]
    spoiled = journal(h)[3]
    assert spoiled["fault"] == "flaky" and spoiled["response"]["body"].startswith('{"exception":"moodle_exception"')
    with pytest.raises(ValueError):
        httpx.Response(200, content=spoiled["response"]["body"]).json()


def test_malformed_bodies(server: ServerFactory) -> None:
    h = server()
    add_fault(h, match={"params": {"user[username]": "alumno1"}}, malformed="invalid_xml")
    add_fault(h, match={"params": {"user[username]": "alumno2"}}, malformed="truncated")
    add_fault(h, match={"params": {"user[username]": "docente1"}}, malformed="empty", headers={"X-Why": "fault"})
    xml = login(h, username="alumno1")
    assert xml.status_code == 200 and xml.headers["content-type"] == "application/xml; charset=utf-8"
    assert xml.text.startswith('<?xml version="1.0" encoding="UTF-8" ?>\n<RESPONSE>') and "</RESPONSE>" not in xml.text
    whole = len(login(h, username="admin").content)
    cut = login(h, username="alumno2")
    assert cut.status_code == 200 and cut.headers["content-type"] == "application/json"
    assert cut.text.startswith('{"loginurl":"') and len(cut.content) == whole // 2
    assert int(cut.headers["content-length"]) == len(cut.content)
    empty = login(h, username="docente1")
    assert (empty.status_code, empty.content, empty.headers["x-why"]) == (200, b"", "fault")


def test_headers_only_and_delay_then_pass(server: ServerFactory) -> None:
    h = server()
    add_fault(h, match={"method": "POST"}, headers={"Retry-After": "1"}, times=1)
    tagged = login(h)
    assert tagged.status_code == 200 and tagged.headers["retry-after"] == "1" and "loginurl" in tagged.json()
    add_fault(h, match={"path": REST}, delay=0.2, times=1)
    started = time.perf_counter()
    slow = login(h)
    assert time.perf_counter() - started >= 0.2
    assert slow.status_code == 200
    assert journal(h)[-1]["outcome"] == "delayed" and journal(h)[-1]["duration_ms"] >= 200


def test_match_on_user_acting_and_get_pages(server: ServerFactory) -> None:
    h = server()
    add_fault(h, match={"method": "GET", "path": "/login/index.php"}, status=502, body="bad gateway")
    add_fault(h, match={"user": "admin", "wsfunction": "core_webservice_get_site_info"}, status=429, body="slow down")
    assert h.client.get("/login/index.php").status_code == 502
    assert rest(h, function="core_webservice_get_site_info").status_code == 429
    assert login(h).status_code == 200


def test_scenario_faults_and_reset(server: ServerFactory) -> None:
    h = server(
        overrides={"faults": [{"id": "down-once", "match": {"wsfunction": LOGIN_URL}, "status": 503, "times": 1}]}
    )
    faults = admin(h, "GET", "/tenants/default/faults").json()["faults"]
    assert [(f["id"], f["origin"]) for f in faults] == [("down-once", "scenario")]
    assert login(h).status_code == 503
    assert login(h).status_code == 200
    add_fault(h, status=500, match={"path": "/nothing"})
    admin(h, "POST", "/tenants/default/reset")
    faults = admin(h, "GET", "/tenants/default/faults").json()["faults"]
    assert [(f["id"], f["fired"]) for f in faults] == [("down-once", 0)]
    assert login(h).status_code == 503


def test_server_wide_faults_match_tenants(server: ServerFactory) -> None:
    h = server()
    new_tenant(h, "red")
    new_tenant(h, "blue")
    added = admin(h, "POST", "/faults", json=[{"match": {"tenant": "re*"}, "status": 418, "body": "teapot"}])
    assert added.status_code == 201
    assert login(h, "/t/red").status_code == 418
    assert login(h, "/t/blue").status_code == 200
    assert login(h).status_code == 200
    assert journal(h, "red")[0]["fault"] == "fault-1"
    assert admin(h, "DELETE", "/faults/fault-1").status_code == 204
    assert login(h, "/t/red").status_code == 200
    assert admin(h, "DELETE", "/faults/fault-1").status_code == 404


def test_fault_api_errors_and_removal(server: ServerFactory) -> None:
    h = server()
    bad = admin(h, "POST", "/tenants/default/faults", json={"status": 500, "close": True})
    assert bad.status_code == 422
    assert bad.json()["problems"] == [
        "(body): Value error, close sends no response: it cannot be combined with status, body, headers or malformed"
    ]
    bad_list = admin(h, "POST", "/tenants/default/faults", json=[{"status": 500}, {"nope": 1}])
    assert bad_list.status_code == 422 and bad_list.json()["problems"][0].startswith("[1] ")
    add_fault(h, id="x", status=500, match={"path": "/a"})
    assert admin(h, "POST", "/tenants/default/faults", json={"id": "x", "status": 500}).status_code == 409
    add_fault(h, status=500, match={"path": "/b"})
    assert admin(h, "DELETE", "/tenants/default/faults/x").status_code == 204
    assert admin(h, "DELETE", "/tenants/default/faults").json() == {"removed": 1}
    assert admin(h, "GET", "/tenants/default/faults").json() == {"faults": []}


def test_close_in_process_raises(inprocess: ServerFactory) -> None:
    h = inprocess()
    add_fault(h, match={"wsfunction": LOGIN_URL}, close=True, times=1)
    with pytest.raises(ConnectionClosedByFault):
        login(h)
    assert journal(h)[0]["outcome"] == "closed" and journal(h)[0]["status"] is None
    assert login(h).status_code == 200


@pytest.mark.live
def test_close_really_closes_the_socket(live: ServerFactory) -> None:
    h = live()
    add_fault(h, match={"path": REST}, close=True, times=2)
    with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
        login(h)
    port = int(h.base_url.rsplit(":", 1)[1])
    body = f"wstoken={DEMO_TOKEN}&wsfunction={LOGIN_URL}&moodlewsrestformat=json&user%5Busername%5D=alumno1".encode()
    request = (
        f"POST {REST} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        assert sock.recv(65536) == b""  # end of stream: not one byte of a response
    assert login(h).status_code == 200  # the server lives on
    assert [e["outcome"] for e in journal(h)] == ["closed", "closed", "ok"]


@pytest.mark.live
def test_live_delay_and_status(live: ServerFactory) -> None:
    h = live(DEMO)
    add_fault(h, match={"wsfunction": LOGIN_URL}, delay={"min": 0.05, "max": 0.1}, status=504, body="gateway timeout")
    started = time.perf_counter()
    response = login(h)
    assert time.perf_counter() - started >= 0.05
    assert (response.status_code, response.text) == (504, "gateway timeout")


def _facts(i: int) -> RequestFacts:
    return RequestFacts("default", "POST", REST, form={"wsfunction": LOGIN_URL, "n": str(i)})


def _run(seed: int, spec: dict[str, Any]) -> list[tuple[bool, float]]:
    book = FaultBook(seed=seed)
    book.add(FaultSpec.model_validate(spec))
    outcome = []
    for i in range(40):
        decision = book.decide(_facts(i))
        outcome.append((decision is not None, round(decision.delay(), 6) if decision else 0.0))
    return outcome


def test_probability_and_random_delay_are_seeded() -> None:
    spec = {"probability": 0.3, "delay": {"min": 0.0, "max": 2.0}}
    first, again, other = _run(7, spec), _run(7, spec), _run(8, spec)
    assert first == again
    assert first != other
    hits = sum(fired for fired, _ in first)
    assert 3 <= hits <= 25
    assert len({d for fired, d in first if fired}) == hits  # really random delays
    # a fault's own seed wins over the server seed
    assert _run(1, {**spec, "seed": 99}) == _run(2, {**spec, "seed": 99})


def test_probability_over_http_is_reproducible(inprocess: ServerFactory) -> None:
    def run() -> list[int]:
        h = inprocess(seed=42)
        add_fault(h, match={"wsfunction": LOGIN_URL}, probability=0.5, status=500)
        return [login(h).status_code for _ in range(16)]

    first = run()
    assert first == run()
    assert set(first) == {200, 500}
