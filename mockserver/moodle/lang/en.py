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
    ("error", "invalidcourseid"): "You are trying to use an invalid course ID",
    ("error", "generalexceptionmessage"): "Exception - {$a}",
    # capability display names (role.php / access.php)
    ("role", "webservice/rest:use"): "Use REST protocol",
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
