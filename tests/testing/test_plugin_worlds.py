"""The plugin finds shipped scenarios by name and reports a missing one in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.helpers import INI

ROOT = Path(__file__).resolve().parents[2]


def test_plugin_finds_shipped_scenarios_and_reports_missing_ones(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)  # an empty project: no scenarios/ of its own
    pytester.makepyfile(
        test_worlds="""
import pytest

@pytest.mark.scenario("sence-success")
def test_by_name(mockserver_tenant):
    assert mockserver_tenant.info["scenario"] == "sence-success"

@pytest.mark.scenario("scenarios/demo.yaml")
def test_missing(mockserver_tenant):
    pass
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, errors=1)
    here = pytester.path
    result.stdout.fnmatch_lines(
        [
            f"scenario 'scenarios/demo.yaml' not found (looked at: {here / 'scenarios/demo.yaml'}, "
            f"{ROOT / 'scenarios' / 'scenarios/demo.yaml'}; `mockserver scenarios` lists the shipped ones)"
        ]
    )
    assert "Traceback" not in result.stdout.str()
