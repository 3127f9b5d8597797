"""The scenario reference and the published JSON Schema stay in step with the models."""

from __future__ import annotations

import json
from pathlib import Path

from mockserver.moodle.plugins.scenario import DECLARATIONS
from mockserver.world import spec
from mockserver.world.limits import Limits

PLUGIN_MODELS = [d.model for d in DECLARATIONS]

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs/scenarios.md").read_text(encoding="utf-8")
    models = [spec.MoodleSettings, spec.ClockSettings, spec.UserSpec, spec.CourseSpec, Limits]
    missing = [f"{m.__name__}.{name}" for m in models for name in m.model_fields if f"`{name}`" not in text]
    assert missing == []


def test_every_plugin_setting_is_documented_here_or_in_its_model() -> None:
    """A plugin documents a setting in docs/scenarios.md or in its own Field description (its folder)."""
    text = (ROOT / "docs/scenarios.md").read_text(encoding="utf-8")
    missing = [
        f"{m.__name__}.{name}"
        for m in PLUGIN_MODELS
        for name, field in m.model_fields.items()
        if f"`{name}`" not in text and not field.description
    ]
    assert missing == []


def test_published_schema_is_current() -> None:
    published = json.loads((ROOT / "docs/scenario.schema.json").read_text(encoding="utf-8"))
    assert published == spec.Scenario.model_json_schema()
