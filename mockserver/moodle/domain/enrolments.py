"""Enrolments and completion: what is an active enrolment, enrol/unenrol, progress and course completion.

Every surface reads these: ``/my/``, ``course/view.php`` (and the SENCE gate behind it), and the
``core_enrol_*`` / ``enrol_manual_*`` / ``core_completion_*`` functions.
"""

from __future__ import annotations

from dataclasses import replace

from mockserver.moodle.site import Site
from mockserver.world.entities import SITE_COURSE_ID, Course, Criterion, Enrolment

COMPLETION_TYPE_SELF = 1
COMPLETION_TYPE_DATE = 2
COMPLETION_TYPE_ACTIVITY = 4
AGGREGATION_ALL = 1


def instance_enabled(course: Course, method: str) -> bool:
    """The course has an enabled enrolment instance of ``method``."""
    if method == "manual":
        return course.manualenrol
    if method == "self":
        return course.selfenrol
    return False


def enrolment_is_active(site: Site, course: Course, enrolment: Enrolment) -> bool:
    """``is_enrolled(..., onlyactive=true)``: active status, enabled instance, within start/end."""
    return enrolment.active_at(site.clock.time()) and instance_enabled(course, enrolment.method)


def active_enrolment(site: Site, userid: int, courseid: int) -> Enrolment | None:
    course = site.store.course(courseid)
    enrolment = site.store.enrolment(userid, courseid)
    if course is None or enrolment is None or not enrolment_is_active(site, course, enrolment):
        return None
    return enrolment


def active_courses(site: Site, userid: int) -> list[Course]:
    """``enrol_get_users_courses($userid, true)``: courses of active enrolments, visible ones first,
    then by course id (the emulated site keeps courses in creation order)."""
    courses = []
    for enrolment in site.store.enrolments_of_user(userid):
        course = site.store.course(enrolment.courseid)
        if course is not None and course.id != SITE_COURSE_ID and enrolment_is_active(site, course, enrolment):
            courses.append(course)
    return sorted(courses, key=lambda c: (not c.visible, c.id))


def enrol_user(site: Site, course: Course, userid: int, role: str, timestart: int, timeend: int, status: int) -> None:
    """``enrol_manual_plugin::enrol_user``: a new enrolment, or the existing one updated."""
    existing = site.store.enrolment(userid, course.id)
    now = site.clock.time()
    if existing is None:
        enrolment = Enrolment(userid, course.id, role, "manual", status, timestart, timeend, timecreated=now)
    else:
        enrolment = replace(existing, role=role, status=status, timestart=timestart, timeend=timeend)
    site.store.save_enrolment(enrolment)


LASTACCESS_UPDATE_SECS = 60
"""``user_accesstime_log()`` writes ``user_lastaccess`` at most once a minute."""


def record_course_access(site: Site, enrolment: Enrolment) -> Enrolment:
    """``require_login($course)`` granted access: ``user_accesstime_log()`` stores the course access time
    (what ``core_enrol_get_users_courses`` reports as ``lastaccess``) unless it is under a minute old."""
    now = site.clock.time()
    if enrolment.lastaccess is not None and now - enrolment.lastaccess < LASTACCESS_UPDATE_SECS:
        return enrolment
    updated = replace(enrolment, lastaccess=now)
    site.store.save_enrolment(updated)
    return updated


def unenrol_user(site: Site, userid: int, courseid: int) -> None:
    site.store.delete_enrolment(userid, courseid)


# ---- completion ----------------------------------------------------------------------------------


def tracked_activities(course: Course) -> list[int]:
    return [a.cmid for a in course.activities if a.tracked]


def progress(course: Course, enrolment: Enrolment | None, now: int) -> float | None:
    """``core_completion\\progress::get_course_progress_percentage``: None when completion is off, the
    user is not tracked or no activity tracks completion; 100 when the course is complete."""
    if not course.enablecompletion or enrolment is None:
        return None
    if course_completed(course, enrolment, now):
        return 100.0
    tracked = tracked_activities(course)
    if not tracked:
        return None
    done = sum(1 for cmid in tracked if cmid in enrolment.completed_activities)
    # The reference gives 1 of 3 as 33.333333333333336, i.e. done * 100 / count; PHP's
    # ($completed / $count) * 100 would print 33.33333333333333 (see docs/provisioning.md).
    return done * 100 / len(tracked)


def criterion_complete(criterion: Criterion, enrolment: Enrolment, now: int) -> bool:
    if criterion.type == COMPLETION_TYPE_ACTIVITY:
        return criterion.cmid in enrolment.completed_activities
    if criterion.type == COMPLETION_TYPE_SELF:
        return enrolment.selfcompleted
    if criterion.type == COMPLETION_TYPE_DATE:
        return criterion.timeend <= now
    return False


def course_completed(course: Course, enrolment: Enrolment | None, now: int) -> bool:
    """``completion_completion::is_complete``: marked complete, or its criteria aggregate to complete."""
    if enrolment is None or not course.enablecompletion:
        return False
    if enrolment.timecompleted is not None:
        return True
    rules = course.completion
    if rules is None or not rules.criteria:
        return False
    results = [criterion_complete(c, enrolment, now) for c in rules.criteria]
    return all(results) if rules.aggregation == AGGREGATION_ALL else any(results)
