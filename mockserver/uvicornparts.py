"""uvicorn's server without its command line: ``import uvicorn`` runs ``uvicorn/__init__.py``, which
imports ``uvicorn.main`` (click, the reload and multiprocess supervisors, multiprocessing) only to
re-export ``Server``, ``main`` and ``run``. Serving needs none of that: about 17 ms of CPU at every
start (a fifth of what importing uvicorn costs).

``install()`` puts the ``uvicorn`` package in ``sys.modules`` without running its ``__init__`` (its
submodules import as usual), with ``Config`` and ``__version__`` set (``uvicorn.lifespan.on`` imports
``Config`` from the package); any other name, asked for later (``uvicorn.run``, ``uvicorn.Server``
from code that imports uvicorn itself), runs the real ``__init__`` first, so nothing sees less than
the whole package.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any


def install() -> None:
    """Make ``uvicorn.config`` / ``uvicorn.server`` importable without ``uvicorn.main``; a no-op
    once uvicorn is imported (whole or in part)."""
    if "uvicorn" in sys.modules:
        return
    spec = importlib.util.find_spec("uvicorn")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # not a regular package: let ``import uvicorn`` do what it does
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader
    whole = False

    def complete(name: str) -> Any:
        # The rest of the package on first use of a name it re-exports (``__init__`` imports uvicorn.main).
        nonlocal whole
        if whole or name.startswith("__"):
            raise AttributeError(f"module 'uvicorn' has no attribute {name!r}")
        whole = True
        loader.exec_module(package)
        return getattr(package, name)

    package.__dict__["__getattr__"] = complete  # PEP 562: a module's __getattr__ lives in its dict
    sys.modules["uvicorn"] = package
    try:
        from uvicorn._version import __version__
        from uvicorn.config import Config
    except BaseException:
        del sys.modules["uvicorn"]
        raise
    package.__dict__.update(__version__=__version__, Config=Config)
