"""Moodle's domain rules shared by every surface: users, courses, enrolments, completion, capabilities.

Web-service functions, pages and plugins (auth_userkey's createuser/updateuser) call these; none of
them re-implements a rule.
"""
