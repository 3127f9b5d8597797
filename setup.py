"""Build step: copy the top-level scenarios/ and fixtures/ into the wheel as mockserver/_worlds/.

The top-level folders stay the one source of truth; the copies keep their relative layout, so the
``../fixtures/...`` paths inside scenarios resolve when installed (see mockserver/worlds.py).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
WORLDS = ("scenarios", "fixtures")


class BuildWithWorlds(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # editable installs read the repository's folders directly
            return
        target = Path(self.build_lib) / "mockserver" / "_worlds"
        for name in WORLDS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("*.pyc", "__pycache__"))


setup(cmdclass={"build_py": BuildWithWorlds})
