"""The session cookie's signer (mockserver/moodle/pages/session.py) signs as itsdangerous' own does."""

from __future__ import annotations

from itsdangerous import Signer

from mockserver.moodle.pages.session import _tenant_signer


def test_same_signatures_as_itsdangerous() -> None:
    for secret, tenant, value in (("s" * 64, "default", "0" * 32), ("another", "acme", "x"), ("k", "t", "")):
        plain = Signer(secret, salt=f"MoodleSession:{tenant}")
        ours = _tenant_signer(secret, tenant)
        signed = ours.sign(value)
        assert signed == plain.sign(value)
        assert ours.unsign(signed) == plain.unsign(signed) == value.encode()
        assert ours.validate(signed + b"x") is plain.validate(signed + b"x") is False
