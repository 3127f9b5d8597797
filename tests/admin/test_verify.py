"""Verification counts and explains mismatches with the nearest requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mockserver.admin.journal import Journal, JournalEntry, ResponseFacts
from mockserver.admin.matching import RequestFacts
from mockserver.admin.verify import Expectation, verify


def journal_with(*users: str, size: int = 10) -> Journal:
    journal = Journal(size)
    for user in users:
        facts = RequestFacts(
            "default",
            "POST",
            "/webservice/rest/server.php",
            form={"wsfunction": "auth_userkey_request_login_url", "user[username]": user},
            user=user,
            actor="admin",
        )
        journal.append(JournalEntry(journal.next_seq(), facts, ResponseFacts(200), 1.0, 1.0, 0.5))
    return journal


LOGIN = "auth_userkey_request_login_url"


def test_exact_count_ok() -> None:
    result = verify(journal_with("alumno1", "alumno2"), Expectation(wsfunction=LOGIN, user="alumno1", count=1))
    assert result.ok and result.count == 1
    assert result.message == (
        "expected exactly 1 request(s) matching {wsfunction='auth_userkey_request_login_url', user='alumno1'}, "
        "found 1 request."
    )


def test_missing_request_names_nearest_and_differences() -> None:
    result = verify(journal_with("alumno2", "docente1"), Expectation(wsfunction=LOGIN, user="alumno1", count=1))
    assert not result.ok
    assert result.message == (
        "expected exactly 1 request(s) matching {wsfunction='auth_userkey_request_login_url', user='alumno1'}, "
        "found 0 requests.\n"
        "nearest requests:\n"
        "  #2 POST /webservice/rest/server.php auth_userkey_request_login_url user=docente1 -> 200  "
        "differs: user: expected 'alumno1', got 'docente1' (acting as 'admin')\n"
        "  #1 POST /webservice/rest/server.php auth_userkey_request_login_url user=alumno2 -> 200  "
        "differs: user: expected 'alumno1', got 'alumno2' (acting as 'admin')"
    )


def test_too_many_lists_the_matches() -> None:
    result = verify(journal_with("alumno1", "alumno1"), Expectation(user="alumno1", count=1))
    assert not result.ok
    assert "found 2 requests.\nmatching requests:\n  #1 " in result.message
    assert result.nearest == []


def test_default_is_at_least_one_and_ranges() -> None:
    journal = journal_with("alumno1", "alumno1", "alumno1")
    assert verify(journal, Expectation(user="alumno1")).ok
    assert not verify(journal, Expectation(user="nobody")).ok
    assert verify(journal, Expectation(user="alumno1", at_least=2, at_most=3)).ok
    assert not verify(journal, Expectation(user="alumno1", at_most=2)).ok
    assert verify(journal, Expectation(user="nobody", at_most=0)).ok
    assert "between 2 and 3" in verify(journal, Expectation(at_least=2, at_most=3)).message


def test_empty_journal_and_dropped_warning() -> None:
    assert "the journal holds no requests" in verify(Journal(5), Expectation(count=1)).message
    journal = journal_with("a", "b", "c", size=2)
    result = verify(journal, Expectation(user="a", count=1))
    assert "the journal dropped 1 older request(s)" in result.message


def test_count_excludes_ranges() -> None:
    with pytest.raises(ValidationError):
        Expectation(count=1, at_least=1)
