"""The ``local_eduauth`` table (db/install.xml): one row per (user, app token, app id).

Real Moodle keeps rows forever. The emulator bounds them: rows not yet fetched with
``act=getuser`` expire after ``pending_lifetime`` seconds, and beyond ``max_rows`` the row
least recently created or used goes. Rows live in ``Store.plugin_state``, so a reset empties them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

COLUMN_LENGTH = 40
"""``token`` and ``appid`` are char(40): PostgreSQL refuses a longer value on insert."""


@dataclass
class EduauthRow:
    id: int
    userid: int
    token: str
    appid: str
    redeemed: int
    created: int
    used: int = 0
    """check_token() stamps ``used``; the column is not in the schema, so real Moodle drops it.
    The emulator keeps it to know which rows an app still uses."""


class EduauthTables:
    """The rows of one site, with the indexes the plugin's queries need."""

    def __init__(self) -> None:
        self._rows: dict[int, EduauthRow] = {}
        self._by_token: dict[str, set[int]] = {}
        self._recent: OrderedDict[int, None] = OrderedDict()  # least recently created/used first
        self._pending: OrderedDict[int, None] = OrderedDict()  # redeemed=0, by creation
        self._next_id = 1

    def rows(self) -> list[EduauthRow]:
        return [self._rows[i] for i in sorted(self._rows)]

    def expire(self, now: int, pending_lifetime: int) -> None:
        """Drop pending rows older than ``pending_lifetime`` (oldest first, stops at the first young one)."""
        while self._pending:
            rowid = next(iter(self._pending))
            if self._rows[rowid].created + pending_lifetime > now:
                break
            self._delete(rowid)

    def _matching(self, token: str) -> list[EduauthRow]:
        return [self._rows[i] for i in sorted(self._by_token.get(token, ()))]

    def pending(self, token: str, appid: str) -> EduauthRow | None:
        """``get_record(token, appid, redeemed=0)``: several matches give the first (lowest id)."""
        return next((r for r in self._matching(token) if r.appid == appid and not r.redeemed), None)

    def find(self, userid: int, token: str, appid: str) -> EduauthRow | None:
        return next((r for r in self._matching(token) if r.appid == appid and r.userid == userid), None)

    def insert(self, userid: int, token: str, appid: str, now: int, max_rows: int) -> EduauthRow:
        row = EduauthRow(self._next_id, userid, token, appid, 0, now)
        self._next_id += 1
        self._rows[row.id] = row
        self._by_token.setdefault(token, set()).add(row.id)
        self._recent[row.id] = None
        self._pending[row.id] = None
        while len(self._rows) > max_rows:
            self._delete(next(iter(self._recent)))
        return row

    def redeem(self, row: EduauthRow) -> None:
        row.redeemed += 1
        self._pending.pop(row.id, None)

    def touch(self, row: EduauthRow, now: int) -> None:
        row.used = now
        if row.id in self._recent:
            self._recent.move_to_end(row.id)

    def delete_user_token(self, userid: int, token: str) -> int:
        """``delete_records(userid, token)`` across app ids; returns how many went."""
        gone = [r.id for r in self._matching(token) if r.userid == userid]
        for rowid in gone:
            self._delete(rowid)
        return len(gone)

    def _delete(self, rowid: int) -> None:
        row = self._rows.pop(rowid)
        ids = self._by_token[row.token]
        ids.discard(rowid)
        if not ids:
            del self._by_token[row.token]
        self._recent.pop(rowid, None)
        self._pending.pop(rowid, None)
