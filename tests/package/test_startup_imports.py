"""Start-up imports only what serving needs (issue 11): uvicorn's server without its command line
(mockserver/uvicornparts.py), and the rest of uvicorn still whole for code that asks for it; no PyYAML
when the scenario was validated before (mockserver/world/loadcache.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from mockserver import serving
print(sorted(m for m in ("uvicorn.main", "click", "uvicorn.supervisors") if m in sys.modules))
import uvicorn
import uvicorn.lifespan.on
from uvicorn._version import __version__
print(uvicorn.Config is serving.Config, uvicorn.__version__ == __version__)
print(uvicorn.Server is serving.UvicornServer, callable(uvicorn.run), "uvicorn.main" in sys.modules)
try:
    uvicorn.no_such_name
except AttributeError as exc:
    print(exc)
"""


def _run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_serving_leaves_uvicorns_command_line_out() -> None:
    assert _run(PROBE) == [
        "[]",
        "True True",
        "True True True",
        "module 'uvicorn' has no attribute 'no_such_name'",
    ]


def test_uvicorn_imported_first_is_left_as_it_is() -> None:
    assert _run("import uvicorn, sys\nfrom mockserver import serving\nprint(serving.Config is uvicorn.Config)") == [
        "True"
    ]


def test_a_scenario_validated_before_loads_without_pyyaml(tmp_path: Path) -> None:
    load = (
        "import sys\nfrom pathlib import Path\nfrom mockserver.world.loadcache import load_scenario\n"
        "loaded = load_scenario(Path('scenarios/demo.yaml'))\n"
        "print(len(loaded.scenario.users) > 0, 'yaml' in sys.modules)"
    )
    env = {**os.environ, "MOCKSERVER_CACHE_DIR": str(tmp_path)}
    first, again = (
        subprocess.run([sys.executable, "-c", load], capture_output=True, text=True, check=True, cwd=ROOT, env=env)
        for _ in range(2)
    )
    assert (first.stdout, again.stdout) == ("True True\n", "True False\n")
