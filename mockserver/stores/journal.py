"""A tenant's journal in Redis: one list for every process, capped, the same reads as ``Journal``.

    J          list  "<seq> <entry JSON>", oldest first, trimmed to the newest ``size``
    J:total    counter of entries recorded since the last clear (seq of the newest)

``append`` numbers the entry and trims the list in one Lua call (one round trip per request);
``dropped`` is ``total - kept``, as in memory. Raw parameter bytes are kept (latin-1 text) so
verifications match the same values as in memory; what leaves the server is masked as before.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from mockserver.admin.journal import JournalEntry, JournalQuery, ResponseFacts
from mockserver.admin.matching import RequestFacts
from mockserver.stores.wire import script_for

_APPEND = """
local seq = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], seq .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return seq
"""


def encode(entry: JournalEntry) -> str:
    request, response = entry.request, entry.response
    user = request._user  # computed lazily: keep it only if it was
    data: dict[str, Any] = {
        "q": [
            request.tenant,
            request.method,
            request.path,
            request._query,
            request._form,
            request._raw_query.decode("latin-1"),
            request._raw_form.decode("latin-1"),
            request.actor,
        ],
        "r": [
            response.status,
            response.content_type,
            response.length,
            response.location,
            response.excerpt.decode("latin-1"),
        ],
        "t": [entry.time, entry.wall, entry.duration_ms, entry.fault, entry.outcome],
    }
    if isinstance(user, str) or user is None:
        data["u"] = user
    return json.dumps(data, separators=(",", ":"))


def decode(raw: bytes | str) -> JournalEntry:
    seq, _, body = (raw.encode() if isinstance(raw, str) else raw).partition(b" ")
    data = json.loads(body)
    tenant, method, path, query, form, raw_query, raw_form, actor = data["q"]
    extra: dict[str, Any] = {"user": data["u"]} if "u" in data else {}
    request = RequestFacts(
        tenant,
        method,
        path,
        query,
        form,
        actor=actor,
        raw_query=raw_query.encode("latin-1"),
        raw_form=raw_form.encode("latin-1"),
        **extra,
    )
    status, content_type, length, location, excerpt = data["r"]
    response = ResponseFacts(status, content_type, length, location, excerpt.encode("latin-1"))
    at, wall, duration, fault, outcome = data["t"]
    return JournalEntry(int(seq), request, response, at, wall, duration, fault, outcome)


class RedisJournal:
    """Duck-types ``mockserver.admin.journal.Journal`` for the middleware and the admin API."""

    def __init__(self, client: redis.Redis, key: str, size: int) -> None:
        self._r = client
        self.size = max(size, 0)
        self._key = key
        self._total = key + ":total"
        self._append = script_for(client, _APPEND)  # once per request: on the fast line (wire.py)

    @property
    def enabled(self) -> bool:
        return self.size > 0

    @property
    def total(self) -> int:
        return int(self._r.get(self._total) or 0)

    @property
    def dropped(self) -> int:
        total, kept = self._counts()
        return total - kept

    def _counts(self) -> tuple[int, int]:
        with self._r.pipeline(transaction=False) as pipe:
            pipe.get(self._total)
            pipe.llen(self._key)
            total, kept = pipe.execute()
        return int(total or 0), int(kept)

    def next_seq(self) -> int:
        """Placeholder: the number is given in ``append`` (one round trip, atomic with the push)."""
        return 0

    def append(self, entry: JournalEntry) -> None:
        if self.enabled:
            entry.seq = int(self._append(keys=[self._key, self._total], args=[encode(entry), self.size]))

    def clear(self) -> None:
        self._r.delete(self._key, self._total)

    def entries(self) -> list[JournalEntry]:
        return [decode(raw) for raw in self._r.lrange(self._key, 0, -1)]

    def __len__(self) -> int:
        return int(self._r.llen(self._key))

    def select(self, query: JournalQuery, after: int = 0, limit: int | None = None) -> list[JournalEntry]:
        found = [e for e in self.entries() if e.seq > after and query.matches(e)]
        return found[-limit:] if limit else found

    def status(self) -> dict[str, int]:
        total, kept = self._counts()
        return {"size": self.size, "kept": kept, "total": total, "dropped": total - kept}
