"""The journal is bounded in bytes as well as entries, oversized entries are cut in one documented
way, admin bodies have a size limit, and reading a full journal leaves the event loop to others."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from mockserver.admin.journal import ENTRY_OVERHEAD, READ_CHUNK, Journal, JournalEntry, ResponseFacts
from mockserver.admin.matching import RequestFacts
from tests.admin.helpers import admin, journal
from tests.harness import DEMO_TOKEN, REST, ServerFactory, build_app, get_scope


def facts(raw_query: bytes = b"", raw_form: bytes = b"", path: str = "/x") -> RequestFacts:
    return RequestFacts("default", "POST", path, raw_query=raw_query, raw_form=raw_form)


def entry(seq: int, request: RequestFacts) -> JournalEntry:
    return JournalEntry(seq, request, ResponseFacts(200), 0.0, 0.0, 1.0)


# -- bytes ------------------------------------------------------------------------------------------


def test_an_entry_weighs_its_parameters_twice_plus_the_overhead() -> None:
    request = facts(raw_query=b"a=1", raw_form=b"b=" + b"x" * 98, path="/p")
    assert entry(1, request).weight() == ENTRY_OVERHEAD + len("/p") + 2 * (3 + 100)


def test_the_journal_drops_the_oldest_entries_past_its_byte_limit() -> None:
    weight = entry(0, facts(raw_form=b"v=" + b"x" * 998)).weight()
    journal = Journal(100, max_bytes=3 * weight)
    for seq in range(1, 6):
        journal.append(entry(seq, facts(raw_form=b"v=" + b"x" * 998)))
    assert [e.seq for e in journal.entries()] == [3, 4, 5]
    status = journal.status()
    assert (status["kept"], status["dropped"], status["bytes"]) == (3, 2, 3 * weight)


def test_the_newest_entry_stays_even_when_it_alone_is_over_the_limit() -> None:
    journal = Journal(100, max_bytes=10)
    journal.append(entry(1, facts()))
    journal.append(entry(2, facts()))
    assert [e.seq for e in journal.entries()] == [2]


# -- oversized entries ------------------------------------------------------------------------------


def test_trim_leaves_out_whole_parameters_that_do_not_fit() -> None:
    raw = b"a=1&big=" + b"x" * 100 + b"&c=2"
    request = facts(raw_form=raw)
    assert request.form == {"a": "1", "big": "x" * 100, "c": "2"}
    assert request.trim(20) == len(raw) - 3
    assert request.form == {"a": "1"}
    assert request.trim(20) == 0


def test_trim_keeps_the_query_first_then_the_form() -> None:
    request = facts(raw_query=b"wsfunction=f&q=" + b"y" * 50, raw_form=b"wstoken=t&f=" + b"z" * 50)
    assert request.trim(30) == (15 + 50) + (12 + 50) - len("wsfunction=f") - len("wstoken=t")
    assert request.query == {"wsfunction": "f"}
    assert request.form == {"wstoken": "t"}


def test_trim_drops_multipart_fields_that_do_not_fit() -> None:
    request = RequestFacts("default", "POST", "/x", form={"a": "1", "big": "x" * 100, "c": "2"})
    assert request.trim(10) == 103
    assert request.form == {"a": "1", "c": "2"}


def test_an_oversized_request_is_journaled_cut_and_says_so(server: ServerFactory) -> None:
    h = server(journal_entry_bytes=1024)
    big = "x" * 1_000_000
    response = h.client.post(
        REST,
        data={"wstoken": DEMO_TOKEN, "wsfunction": "core_webservice_get_site_info", "moodlewsrestformat": "json",
              "huge": big, "after": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    [found] = journal(h)
    sent = len("huge=" + big + "&after=1")  # the form kept ends with the '&' before them
    assert found["truncated"] == sent
    assert set(found["form"]) == {"wstoken", "wsfunction", "moodlewsrestformat"}
    assert found["wsfunction"] == "core_webservice_get_site_info"


def test_the_journal_of_a_tenant_stays_within_its_bytes(server: ServerFactory) -> None:
    h = server(journal_bytes=300_000)
    for _ in range(10):
        h.client.post(REST, data={"wstoken": DEMO_TOKEN, "wsfunction": "x", "pad": "p" * 60_000})
    status = admin(h, "GET", "/tenants/default/journal", params={"limit": "1"}).json()
    assert status["bytes"] <= 300_000
    assert (status["total"], status["dropped"] + status["kept"]) == (10, 10)
    assert status["kept"] == 2  # each entry weighs about 121 kB
    runtime = h.app.admin.runtime(h.tenant)
    assert status["bytes"] == sum(e.weight() for e in runtime.journal.entries())


# -- admin bodies -----------------------------------------------------------------------------------


def test_an_admin_body_over_the_limit_is_a_413_with_a_json_error(server: ServerFactory) -> None:
    h = server(admin_max_body_bytes=1000)
    scenario = "name: big\ndescription: " + "x" * 2000 + "\n"
    response = admin(h, "PUT", "/tenants/default/scenario", content=scenario,
                     headers={"content-type": "application/yaml"})  # fmt: skip
    assert response.status_code == 413
    assert response.json() == {"error": "request body too large: the admin API accepts at most 1000 bytes"}
    created = admin(h, "POST", "/tenants", content=scenario, headers={"content-type": "application/yaml"})
    assert created.status_code == 413
    assert admin(h, "GET", "/tenants/default/scenario").status_code == 200


def test_a_chunked_admin_body_over_the_limit_is_a_413(server: ServerFactory) -> None:
    h = server(admin_max_body_bytes=1000)

    piece = b'{"x": "' + b"y" * 200 + b'"}'

    def chunks() -> Any:
        for _ in range(10):
            yield piece

    async def async_chunks() -> Any:
        for _ in range(10):
            yield piece

    content = async_chunks() if h.transport == "inprocess" else chunks()  # no Content-Length either way
    response = admin(h, "POST", "/tenants/default/verify", content=content,
                     headers={"content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert "at most 1000 bytes" in response.json()["error"]


def test_an_admin_body_within_the_limit_works(server: ServerFactory) -> None:
    h = server(admin_max_body_bytes=1000)
    response = admin(h, "POST", "/tenants/default/clock/advance", json={"seconds": 1})
    assert response.status_code == 200


# -- reading does not block -------------------------------------------------------------------------


def _receiver() -> Any:
    """The request (no body), then nothing until the answer is done: the client stays connected."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    return receive


def test_health_is_answered_while_a_full_journal_is_being_read() -> None:
    """Structure, not timing: the health request runs to its end inside the journal's first
    ``send``, i.e. while the journal answer is still incomplete. A journal serialised in one
    piece sends no partial body, so the health request would never run and the test fails."""
    app = build_app()
    entries = 3 * READ_CHUNK
    runtime = app.admin.runtime(app.tenants.default)
    for seq in range(1, entries + 1):
        runtime.journal.append(entry(seq, facts(raw_form=b"wsfunction=f&v=" + b"x" * 1000)))
    body = bytearray()
    during: list[tuple[int, bool]] = []

    async def health_status() -> int:
        status = 0

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(get_scope("/__mock/health"), _receiver(), send)
        return status

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.extend(message.get("body", b""))
            if message.get("more_body") and not during:
                during.append((await health_status(), True))

    asyncio.run(app(get_scope("/__mock/tenants/default/journal"), _receiver(), send))
    assert during == [(200, True)]
    data = json.loads(body)
    assert [e["seq"] for e in data["entries"]] == list(range(1, entries + 1))
    assert data["kept"] == entries
