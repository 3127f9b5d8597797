"""Random bytes in blocks (mockserver/randombytes.py): sizes, no repeats, and none shared after a fork."""

from __future__ import annotations

import os

from mockserver import randombytes
from mockserver.randombytes import BLOCK, random_bytes, token_hex


def test_sizes_and_no_repeats_across_blocks() -> None:
    values = [random_bytes(30) for _ in range(3 * BLOCK // 30)]  # several refills
    assert {len(v) for v in values} == {30}
    assert len(set(values)) == len(values)
    assert len(random_bytes(BLOCK + 1)) == BLOCK + 1
    assert len(token_hex(16)) == 32 and int(token_hex(16), 16) >= 0


def test_a_forked_child_does_not_hand_out_the_parents_next_bytes() -> None:
    random_bytes(1)  # the parent holds a block with bytes left
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next bytes, to the parent
        os.write(write, random_bytes(16))
        os._exit(0)
    os.close(write)
    child = os.read(read, 16)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == 16
    assert child != random_bytes(16)
    assert randombytes._POOL._block  # the parent kept its block
