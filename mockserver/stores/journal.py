"""A tenant's journal in Redis: one list for every process, capped, the same reads as ``Journal``.

    J          list  entry JSON, oldest first, trimmed to the newest ``size``
    J:total    counter of entries recorded since the last clear (seq of the newest)

``append`` counts, pushes and trims in one ``MULTI``/``EXEC`` (native commands: no script), so an
entry's seq is its place: the newest is ``total``, the one before ``total - 1``... Reads take the
counter and the list in one ``MULTI`` too. The append is a deferred write (mockserver/stores/wire.py):
it goes with the request's other writes, in the round trip before the answer.
``dropped`` is ``total - kept``, as in memory. Raw parameter bytes are kept (latin-1 text) so
verifications match the same values as in memory; what leaves the server is masked as before.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from mockserver.admin.journal import JournalEntry, JournalQuery, ResponseFacts
from mockserver.admin.matching import RequestFacts
from mockserver.stores.codec import compact
from mockserver.stores.wire import line_for, pack


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
    return compact(data)


def decode(seq: int, raw: bytes | str) -> JournalEntry:
    data = json.loads(raw)
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
    return JournalEntry(seq, request, response, at, wall, duration, fault, outcome)


class RedisJournal:
    """Duck-types ``mockserver.admin.journal.Journal`` for the middleware and the admin API."""

    before_answer = True
    """The middleware appends before the answer leaves (the append waits for the request's flush)."""

    def __init__(self, client: redis.Redis, key: str, size: int) -> None:
        self._r = client
        self.size = max(size, 0)
        self._key = key
        self._total = key + ":total"
        self._line = line_for(client)  # once per request: on the fast line (wire.py)
        # the parts of the MULTI block that are the same for every entry, packed once
        self._head = pack(["MULTI"]) + pack(["INCR", self._total])
        self._tail = pack(["LTRIM", key, -self.size, -1]) + pack(["EXEC"])

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
        with self._r.pipeline(transaction=True) as pipe:
            pipe.get(self._total)
            pipe.llen(self._key)
            total, kept = pipe.execute()
        return int(total or 0), int(kept)

    def next_seq(self) -> int:
        """Placeholder: an entry's number is its place (see the module's docstring)."""
        return 0

    def append(self, entry: JournalEntry) -> None:
        """Stored before the request's answer leaves (``entry.seq`` stays 0: no reply is waited for)."""
        if not self.enabled:
            return
        raw, size = encode(entry), -self.size
        line = self._line
        if line is None:
            with self._r.pipeline(transaction=True) as pipe:
                pipe.incr(self._total)
                pipe.rpush(self._key, raw)
                pipe.ltrim(self._key, size, -1)
                pipe.execute()
            return
        line.defer_packed(self._head + pack(["RPUSH", self._key, raw]) + self._tail, 5)

    def clear(self) -> None:
        self._r.delete(self._key, self._total)

    def entries(self) -> list[JournalEntry]:
        with self._r.pipeline(transaction=True) as pipe:
            pipe.get(self._total)
            pipe.lrange(self._key, 0, -1)
            total, raws = pipe.execute()
        first = int(total or 0) - len(raws) + 1
        return [decode(first + place, raw) for place, raw in enumerate(raws)]

    def __len__(self) -> int:
        return int(self._r.llen(self._key))

    def select(self, query: JournalQuery, after: int = 0, limit: int | None = None) -> list[JournalEntry]:
        found = [e for e in self.entries() if e.seq > after and query.matches(e)]
        return found[-limit:] if limit else found

    def status(self) -> dict[str, int]:
        total, kept = self._counts()
        return {"size": self.size, "kept": kept, "total": total, "dropped": total - kept}
