"""The journal: bounded, counting drops, filtering, masking on the way out."""

from __future__ import annotations

from mockserver.admin.journal import DEFAULT_JOURNAL_BYTES, Journal, JournalEntry, JournalQuery, ResponseFacts
from mockserver.admin.matching import RequestFacts, glob_match

TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"


def entry(
    journal: Journal, at: float, wsfunction: str = "auth_userkey_request_login_url", user: str = "alumno1"
) -> None:
    facts = RequestFacts(
        tenant="default",
        method="POST",
        path="/webservice/rest/server.php",
        form={"wstoken": TOKEN, "wsfunction": wsfunction, "user[username]": user},
        user=user,
        actor="admin",
    )
    response = ResponseFacts(
        200, "application/json", 10, None, b'{"loginurl":"x?key=283e03acfe5c1c8bed34e6ef1a7b1435"}'
    )
    journal.append(JournalEntry(journal.next_seq(), facts, response, at, at, 1.0))


def test_bounded_and_counts_drops() -> None:
    journal = Journal(3)
    for i in range(5):
        entry(journal, float(i))
    assert [e.seq for e in journal.entries()] == [3, 4, 5]
    assert journal.status() == {
        "size": 3,
        "kept": 3,
        "total": 5,
        "dropped": 2,
        "bytes": journal.bytes,
        "max_bytes": DEFAULT_JOURNAL_BYTES,
    }
    assert journal.bytes == sum(e.weight() for e in journal.entries()) > 0
    journal.clear()
    assert journal.status() == {
        "size": 3,
        "kept": 0,
        "total": 0,
        "dropped": 0,
        "bytes": 0,
        "max_bytes": DEFAULT_JOURNAL_BYTES,
    }


def test_disabled_journal_keeps_nothing() -> None:
    journal = Journal(0)
    entry(journal, 1.0)
    assert not journal.enabled
    assert journal.entries() == []


def test_select_filters_time_after_and_limit() -> None:
    journal = Journal(10)
    for i, user in enumerate(["alumno1", "alumno2", "alumno1", "alumno1"]):
        entry(journal, 100.0 + i, user=user)
    by_user = journal.select(JournalQuery(user="alumno1"))
    assert [e.seq for e in by_user] == [1, 3, 4]
    assert [e.seq for e in journal.select(JournalQuery(since=101, until=102))] == [2, 3]
    assert [e.seq for e in journal.select(JournalQuery(), after=2)] == [3, 4]
    assert [e.seq for e in journal.select(JournalQuery(user="alumno1"), limit=2)] == [3, 4]
    assert [e.seq for e in journal.select(JournalQuery(user="admin"))] == [1, 2, 3, 4]  # acting user
    assert journal.select(JournalQuery(params={"user[username]": "alumno2"}))[0].seq == 2
    assert journal.select(JournalQuery(wsfunction="core_*")) == []


def test_json_is_masked_but_matching_uses_raw_values() -> None:
    journal = Journal(5)
    entry(journal, 1.0)
    data = journal.entries()[0].to_json()
    assert data["form"]["wstoken"] == "d1c2…8f90"
    assert data["response"]["body"] == '{"loginurl":"x?key=283e…1435"}'
    assert data["user"] == "alumno1" and data["actor"] == "admin"
    assert journal.select(JournalQuery(params={"wstoken": TOKEN}))


def test_glob_only_knows_star() -> None:
    assert glob_match("auth_*", "auth_userkey_request_login_url")
    assert glob_match("/t/*/x", "/t/a/x")
    assert not glob_match("user[username]", "user_username_")
    assert glob_match("a[b]", "a[b]")
    assert not glob_match("core_*", "auth_x")
