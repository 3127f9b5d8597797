"""Cross-reference checks of the SENCE world that a schema cannot express.

Returns (location, message) pairs like ``mockserver.world.consistency.check_references`` so the
loader can name file, line and key.
"""

from __future__ import annotations

from collections import Counter

from mockserver.sence import rut
from mockserver.sence.spec import SenceWorld

Loc = tuple[str | int, ...]


def check_sence(world: SenceWorld) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    oteces = Counter(rut.normalise(o.rut) for o in world.otecs)
    tokens = Counter(t.token.upper() for o in world.otecs for t in o.tokens)
    for i, otec in enumerate(world.otecs):
        if oteces[rut.normalise(otec.rut)] > 1:
            problems.append((("sence", "otecs", i, "rut"), f"OTEC {otec.rut} is defined more than once"))
        for j, token in enumerate(otec.tokens):
            if tokens[token.token.upper()] > 1:
                problems.append((("sence", "otecs", i, "tokens", j, "token"), "token is defined more than once"))
    actions = Counter(c.codigocurso for c in world.courses)
    for i, course in enumerate(world.courses):
        if actions[course.codigocurso] > 1:
            problems.append(
                (("sence", "courses", i, "codigocurso"), f"action {course.codigocurso} is defined more than once")
            )
        if rut.normalise(course.otec) not in oteces:
            problems.append((("sence", "courses", i, "otec"), f"unknown OTEC {course.otec}"))
        if course.linea == 1 and course.codsence:
            problems.append((("sence", "courses", i, "codsence"), "línea 1 actions have no CodSence"))
        if course.linea != 1 and not (len(course.codsence) == 10 and course.codsence.isdigit()):
            problems.append((("sence", "courses", i, "codsence"), "CodSence is 10 digits"))
    runs = Counter(rut.normalise(s.run) for s in world.students)
    for i, student in enumerate(world.students):
        if runs[rut.normalise(student.run)] > 1:
            problems.append((("sence", "students", i, "run"), f"student {student.run} is defined more than once"))
    return problems
