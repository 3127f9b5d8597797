"""When runtime records stop existing, as the real systems decide it (deadlines on the tenant clock).

Each function gives the deadline ``BoundedMap`` keeps with an item: the last second it is live.
"""

from __future__ import annotations

from mockserver.world.entities import GUEST_USER_ID, Session, UserKey

SESSION_UPDATE_FREQUENCY = 20
"""Moodle writes ``sessions.timemodified`` at most every 20 s (``session_update_timemodified_frequency``)."""
FIRST_VISIT_LIFETIME = 180
"""Moodle's session gc drops a not-logged-in session never used again (timemodified = timecreated) after 3 min."""
GUEST_FACTOR = 5
"""Guest sessions get five times ``sessiontimeout`` (no security risk, says Moodle's gc)."""


def session_deadline(session: Session, sessiontimeout: int) -> int:
    """``\\core\\session\\manager::gc()`` of Moodle 4.1 as a per-session deadline."""
    if session.userid == 0 and session.timemodified == session.timecreated:
        return session.timecreated + min(FIRST_VISIT_LIFETIME, sessiontimeout)
    if session.userid == GUEST_USER_ID:
        return session.timemodified + GUEST_FACTOR * sessiontimeout
    return session.timemodified + sessiontimeout


def resume_session(session: Session, now: int) -> bool:
    """A request uses the session: True when ``timemodified`` moves (so its deadline does too)."""
    if now - session.timemodified < SESSION_UPDATE_FREQUENCY:
        return False
    session.timemodified = now
    return True


def user_key_deadline(key: UserKey, retention: int) -> int:
    """A key answers 'Expired key' after ``validuntil`` (Moodle keeps the row); the mock forgets it
    ``retention`` seconds later."""
    return key.validuntil + retention
