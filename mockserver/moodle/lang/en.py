"""English strings (lang/en of Moodle 4.1 core), keyed by (component, id); plugins bring their own.

Every value is quoted from shared/reference/moodle-webservice.md; the page
chrome strings at the end are Moodle core's own (moodle.php) used by the browser surface.
"""

STRINGS: dict[tuple[str, str], str] = {
    # debug.php
    ("debug", "invalidparameter"): "Invalid parameter value detected",
    ("debug", "invalidresponse"): "Invalid response value detected",
    ("debug", "codingerror"): "Coding error detected, it must be fixed by a programmer: {$a}",
    # webservice.php
    ("webservice", "invalidtoken"): "Invalid token - token not found",
    ("webservice", "accessexception"): "Access control exception",
    ("webservice", "invalidtimedtoken"): "Invalid token - token expired",
    ("webservice", "invalidiptoken"): "Invalid token - your IP is not supported",
    ("webservice", "servicenotavailable"): "Web service is not available. (It doesn't exist or might be disabled.)",
    (
        "webservice",
        "servicerequireslogin",
    ): "Web service is not available. (The session has been logged out or has expired.)",
    ("webservice", "wsaccessuserdeleted"): "Refused web service access for deleted username: {$a}",
    ("webservice", "wsaccessuserunconfirmed"): "Refused web service access for unconfirmed username: {$a}",
    ("webservice", "wsaccessusersuspended"): "Refused web service access for suspended username: {$a}",
    ("webservice", "wsaccessuserexpired"): "Refused web service access for password expired username: {$a}",
    ("webservice", "wsaccessusernologin"): "Refused web service access for nologin authentication username: {$a}",
    ("webservice", "missingrequiredcapability"): "The capability {$a} is required.",
    ("webservice", "usernotallowed"): (
        "The user is not allowed for this service. First you need to allow this user on the "
        "{$a}'s allowed users administration page."
    ),
    ("webservice", "cannotcreatetoken"): "No permission to create web service token for the service {$a}.",
    ("webservice", "enablewsdescription"): "Web services must be enabled in Advanced features.",
    # error.php
    ("error", "invalidrecord"): "Can't find data record in database table {$a}.",
    ("error", "sitemaintenance"): "The site is undergoing maintenance and is currently not available",
    ("error", "nopermissions"): "Sorry, but you do not currently have permissions to do that ({$a}).",
    ("error", "invalidkey"): "Incorrect key",
    ("error", "expiredkey"): "Expired key",
    ("error", "ipmismatch"): "Client IP address mismatch",
    ("error", "invaliduserid"): "Invalid user ID",
    ("error", "missingparam"): "A required parameter ({$a}) was missing",
    ("error", "invalidlogin"): "Invalid login, please try again",
    ("error", "noguest"): "No guests here!",
    ("error", "usernotconfirmed"): "Could not confirm {$a}",
    ("error", "passwordisexpired"): "Password is expired.",
    ("error", "restoredaccountresetpassword"): "Restored account need to reset password before getting a token.",
    ("error", "requireloginerror"): "Course or activity not accessible.",
    ("error", "invalidsesskey"): ("Your session has most likely timed out. Please log in again."),
    ("error", "sessionerroruser"): "Your session has timed out. Please log in again.",
    ("error", "invalidcourseid"): "You are trying to use an invalid course ID",
    ("error", "generalexceptionmessage"): "Exception - {$a}",
    ("error", "invaliduser"): "Invalid user",
    ("error", "usernotupdatedadmin"): "Cannot update admin accounts",
    ("error", "useremailduplicate"): "Duplicate address",
    ("error", "dmlwriteexception"): "Error writing to database",
    ("error", "cannotviewreport"): "You cannot view this report",
    ("error", "suspended"): "Suspended account",
    ("error", "userdeleted"): "This user account has been deleted",
    ("webservice", "errorcoursecontextnotvalid"): (
        "You cannot execute functions in the course context (course id:{$a->courseid}). "
        "The context error message was: {$a->message}"
    ),
    ("webservice", "criteriaerror"): "Missing permissions to search on a criterion.",
    ("admin", "accessdenied"): "Access denied",
    ("completion", "notenroled"): "You are not enrolled in this course",
    ("completion", "usernotenroled"): "User is not enrolled in this course",
    ("completion", "nocriteriaset"): "No completion criteria set for this course",
    ("completion", "activitiescompleted"): "Activity completion",
    ("completion", "selfcompletion"): "Self completion",
    ("completion", "datepassed"): "Date passed",
    ("completion", "remainingenroleduntildate"): "Remaining enrolled until a specified date",
    ("completion", "markingyourselfcomplete"): "Marking yourself complete",
    ("enrol_manual", "wsusercannotassign"): (
        "You don't have the permission to assign this role ({$a->roleid}) to this user ({$a->userid}) "
        "in this course ({$a->courseid})."
    ),
    ("enrol_manual", "wsnoinstance"): (
        "Manual enrolment plugin instance doesn't exist or is disabled for the course (id = {$a->courseid})"
    ),
    ("enrol_manual", "wscannotenrol"): "Plugin instance cannot manually enrol a user in the course id = {$a->courseid}",
    ("enrol_manual", "manualpluginnotinstalled"): 'The "Manual" plugin has not yet been installed',
    ("moodle", "yes"): "Yes",
    ("moodle", "no"): "No",
    ("moodle", "date"): "Date",
    # capability display names (role.php / access.php)
    ("role", "webservice/rest:use"): "Use REST protocol",
    ("role", "moodle/user:create"): "Create users",
    ("role", "moodle/user:update"): "Update user profiles",
    ("role", "moodle/user:viewdetails"): "View user profiles",
    ("role", "moodle/user:viewalldetails"): "View user full information",
    ("role", "moodle/course:view"): "View courses without participation",
    ("role", "moodle/course:viewparticipants"): "View participants",
    ("role", "moodle/course:update"): "Update course settings",
    ("role", "moodle/category:manage"): "Manage course categories",
    ("role", "enrol/manual:enrol"): "Enrol users",
    ("role", "enrol/manual:unenrol"): "Unenrol users from the course",
    ("role", "report/completion:view"): "View course completion report",
    # page chrome (moodle.php)
    ("moodle", "login"): "Log in",
    ("moodle", "logout"): "Log out",
    ("moodle", "username"): "Username",
    ("moodle", "password"): "Password",
    ("moodle", "loggedinas"): "You are logged in as {$a}",
    ("moodle", "loggedinnot"): "You are not logged in.",
    ("moodle", "mycourses"): "My courses",
    ("moodle", "dashboard"): "Dashboard",
    ("moodle", "home"): "Home",
    ("moodle", "redirect"): "Redirect",
    ("moodle", "continue"): "Continue",
    ("moodle", "error"): "Error",
    ("moodle", "nocourses"): "No courses",
    ("moodle", "moreinformation"): "More information about this error",
    ("moodle", "pageshouldredirect"): (
        "This page should automatically redirect. If nothing is happening please use the continue link below."
    ),
    ("moodle", "enrolme"): "Enrol me in this course",
    ("moodle", "notenrolled"): "You cannot enrol yourself in this course.",
    ("moodle", "participants"): "Participants",
    ("moodle", "testserver"): "Test server — not a real Moodle site",
}
STRINGS[("error", "unspecifycourseid")] = "You must specify course id to use this page"
