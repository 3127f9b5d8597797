"""block_sence: the OTEC's Moodle block that sends students through SENCE before a course (§6)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.admin.masking import shorten
from mockserver.moodle.plugins.block_sence import views
from mockserver.moodle.plugins.block_sence.gate import course_gate
from mockserver.moodle.plugins.block_sence.settings import SenceGateSettings
from mockserver.moodle.plugins.interface import CoursePage, Masking, MoodlePlugin
from mockserver.world.tenant import Tenant


class BlockSence(MoodlePlugin[SenceGateSettings]):
    name = "block_sence"
    settings_model = SenceGateSettings
    masking = Masking(shorten=frozenset({"otec_token"}))

    def routes(self) -> Sequence[BaseRoute]:
        """SENCE's return (UrlRetoma) and error (UrlError) handlers and the close action."""
        return [
            Route("/blocks/sence/retorno.php", views.retorno, methods=["POST"]),
            Route("/blocks/sence/error.php", views.error, methods=["GET", "POST"]),
            Route("/blocks/sence/cerrar.php", views.cerrar, methods=["POST"]),
        ]

    async def course_view_hook(self, page: CoursePage) -> Response | None:
        return await course_gate(page.site, page.browser, page.params, page.user, page.course, page.enrolment)

    def world_view(self, tenant: Tenant) -> Any:
        """The plugin's settings (token shortened) and its table of SENCE sessions per student and course."""
        settings = tenant.scenario.plugin_settings(self.name)
        assert isinstance(settings, SenceGateSettings)
        store = tenant.store
        # the records of current enrolments, by user, course and id: read from the (bounded) table,
        # not by walking every user and enrolment of a large world
        found = store.sence.all_gate_records()
        found.sort(key=lambda r: (r.userid, r.courseid, r.id))
        records = [asdict(r) for r in found if store.enrolment(r.userid, r.courseid) is not None]
        shown = settings.model_dump(mode="json")
        shown["otec_token"] = shorten(settings.otec_token)
        return {"settings": shown, "records": records}


PLUGIN = BlockSence()
