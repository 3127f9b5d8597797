"""Building a world allocates hundreds of thousands of objects that live on: CPython's cyclic GC
would scan the growing heap again and again meanwhile, and once more in full right after (loading
a world of 100,000 users took about half the time with it paused).

On the way out one full collection frees whatever cyclic garbage is waiting (the old world of a
reset included: it would otherwise be frozen and never freed), then the survivors are frozen
(``gc.freeze``: never scanned again; still freed by reference counting when a later reset drops
them, as entities hold no cycles). The full collection costs about what the first collection
after a long pause costs anyway."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(*, collect: bool = True) -> Iterator[None]:
    """``collect=False`` (loading a scenario): the full collection runs before instead of after, so
    it never walks the new world (a third of a large world's load); a load that fails still
    collects after, so whatever it left half-built is not frozen."""
    enabled = gc.isenabled()
    if not collect:
        gc.collect()
    gc.disable()
    failed = True
    try:
        yield
        failed = False
    finally:
        if collect or failed:
            gc.collect()
        gc.freeze()
        if enabled:
            gc.enable()
