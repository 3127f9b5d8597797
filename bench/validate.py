"""`mockserver validate` on the demo, fast enough to run on save (target: well under 1 s).

Run: ``.venv/bin/python bench/validate.py [--rounds 7]``. Each figure is the median wall time of a
fresh process; the ratio to a bare interpreter importing pydantic and PyYAML (the floor any
validator of this format pays) is what to compare across machines.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_S = 1.0


def median_run(command: list[str], rounds: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``command`` in a fresh process.
    CPU time holds on a busy machine, where the wall time mostly measures the wait for a core."""
    walls, cpus = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    # An installed package has its bytecode compiled: compile once, as `pip install` does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "mockserver")], check=True)
    rows = {
        "python -c 'import pydantic, yaml'": [sys.executable, "-c", "import pydantic, yaml"],
        "mockserver --version": [str(BIN / "mockserver"), "--version"],
        "mockserver validate scenarios/demo.yaml": [str(BIN / "mockserver"), "validate", "scenarios/demo.yaml"],
    }
    results = {name: median_run(command, args.rounds) for name, command in rows.items()}
    floor_cpu = results["python -c 'import pydantic, yaml'"][1]
    for name, (wall, cpu) in results.items():
        print(f"{name:<40} wall {wall * 1000:6.0f} ms   cpu {cpu * 1000:6.0f} ms   ({cpu / floor_cpu:.1f}x the floor)")
    cpu = results["mockserver validate scenarios/demo.yaml"][1]
    ok = cpu < TARGET_S
    print(f"target: validate under {TARGET_S:.0f} s of CPU -> {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
