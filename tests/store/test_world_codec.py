"""A user or enrolment change travels as the fields that differ from their defaults, and comes back
equal; ``copied`` gives an equal, separate record."""

from __future__ import annotations

import json

from mockserver.stores.world import _decode, _encode
from mockserver.world.entities import Enrolment, User, copied


def test_only_what_differs_from_the_defaults_travels_and_comes_back_equal() -> None:
    user = User(7, "ana", firstname="Ana", capabilities=frozenset({"b", "a"}), profile={"x": "1"}, lastlogin=5)
    assert json.loads(_encode(user)) == {
        "id": 7,
        "username": "ana",
        "firstname": "Ana",
        "capabilities": ["a", "b"],
        "profile": {"x": "1"},
        "lastlogin": 5,
    }
    assert _decode(User, _encode(user)) == user
    odd = User(8, "b", suspended=True, confirmed=False, timezone="99", descriptionformat=True)  # True == 1
    back = _decode(User, _encode(odd))
    assert back == odd and back.descriptionformat is True
    assert json.loads(_encode(Enrolment(userid=3, courseid=4))) == {"userid": 3, "courseid": 4}


def test_a_copy_is_equal_and_separate() -> None:
    user = User(7, "ana", lastip="10.0.0.1")
    twin = copied(user)
    assert twin == user and twin is not user
    twin.lastip = "10.0.0.2"
    assert user.lastip == "10.0.0.1"
