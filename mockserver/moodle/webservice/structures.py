"""Return structures several functions share (Moodle 4.1 definitions)."""

from __future__ import annotations

from mockserver.moodle.webservice.description import OPTIONAL, Multiple, Single, Value


def warnings_structure() -> Multiple:
    """``external_warnings()``."""
    return Multiple(
        Single(
            {
                "item": Value("text", "item", OPTIONAL),
                "itemid": Value("int", "item id", OPTIONAL),
                "warningcode": Value(
                    "alphanum",
                    "the warning code can be used by the client app to implement specific behaviour",
                ),
                "message": Value("text", "untranslated english message to explain the warning"),
            },
            "warning",
        ),
        "list of warnings",
        OPTIONAL,
    )


def external_file() -> Single:
    """One file of ``external_files`` (4.1): the entries of ``summaryfiles`` and ``overviewfiles``."""
    return Single(
        {
            "filename": Value("file", "File name.", OPTIONAL),
            "filepath": Value("path", "File path.", OPTIONAL),
            "filesize": Value("int", "File size.", OPTIONAL),
            "fileurl": Value("url", "Downloadable file url.", OPTIONAL),
            "timemodified": Value("int", "Time modified.", OPTIONAL),
            "mimetype": Value("raw", "File mime type.", OPTIONAL),
            "isexternalfile": Value("bool", "Whether is an external file.", OPTIONAL),
            "repositorytype": Value("plugin", "The repository type for external files.", OPTIONAL),
        }
    )


def user_description_keys() -> dict[str, Value | Single | Multiple]:
    """``core_user_external::user_description()`` (4.1), in its key order."""
    return {
        "id": Value("int", "ID of the user"),
        "username": Value("username", "The username", OPTIONAL),
        "firstname": Value("notags", "The first name(s) of the user", OPTIONAL),
        "lastname": Value("notags", "The family name of the user", OPTIONAL),
        "fullname": Value("notags", "The fullname of the user"),
        "email": Value("raw_trimmed", "An email address - allow email as root@localhost", OPTIONAL),
        "address": Value("text", "Postal address", OPTIONAL),
        "phone1": Value("notags", "Phone 1", OPTIONAL),
        "phone2": Value("notags", "Phone 2", OPTIONAL),
        "department": Value("text", "department", OPTIONAL),
        "institution": Value("text", "institution", OPTIONAL),
        "idnumber": Value("raw", "An arbitrary ID code number perhaps from the institution", OPTIONAL),
        "interests": Value("text", "user interests (separated by commas)", OPTIONAL),
        "firstaccess": Value("int", "first access to the site (0 if never)", OPTIONAL),
        "lastaccess": Value("int", "last access to the site (0 if never)", OPTIONAL),
        "auth": Value("auth", "Auth plugins include manual, ldap, etc", OPTIONAL),
        "suspended": Value(
            "bool", "Suspend user account, either false to enable user login or true to disable it", OPTIONAL
        ),
        "confirmed": Value("bool", "Active user: 1 if confirmed, 0 otherwise", OPTIONAL),
        "lang": Value("lang", 'Language code such as "en", must exist on server', OPTIONAL),
        "calendartype": Value("plugin", 'Calendar type such as "gregorian", must exist on server', OPTIONAL),
        "theme": Value("theme", 'Theme name such as "standard", must exist on server', OPTIONAL),
        "timezone": Value("timezone", "Timezone code such as Australia/Perth, or 99 for default", OPTIONAL),
        "mailformat": Value("int", "Mail format code is 0 for plain text, 1 for HTML etc", OPTIONAL),
        "description": Value("raw", "User profile description", OPTIONAL),
        "descriptionformat": Value("int", "description format", OPTIONAL),
        "city": Value("text", "Home city of the user", OPTIONAL),
        "country": Value("alpha", "Home country code of the user, such as AU or CZ", OPTIONAL),
        "profileimageurlsmall": Value("url", "User image profile URL - small version"),
        "profileimageurl": Value("url", "User image profile URL - big version"),
        "customfields": Multiple(
            Single(
                {
                    "type": Value("alphanumext", "The type of the custom field - text field, checkbox..."),
                    "value": Value("raw", "The value of the custom field"),
                    "name": Value("raw", "The name of the custom field"),
                    "shortname": Value(
                        "raw", "The shortname of the custom field - to be able to build the field class in the code"
                    ),
                }
            ),
            "User custom fields (also known as user profile fields)",
            OPTIONAL,
        ),
        "preferences": Multiple(
            Single(
                {
                    "name": Value("raw", "The name of the preferences"),
                    "value": Value("raw", "The value of the preference"),
                }
            ),
            "Users preferences",
            OPTIONAL,
        ),
    }


def user_description() -> Single:
    return Single(user_description_keys())


def course_user_profile() -> Single:
    """``core_user_external::get_course_user_profiles_returns()`` item: the user plus course parts."""
    keys = user_description_keys()
    keys["groups"] = Multiple(
        Single(
            {
                "id": Value("int", "group id"),
                "name": Value("raw", "group name"),
                "description": Value("raw", "group description"),
                "descriptionformat": Value("int", "description format"),
            }
        ),
        "user groups",
        OPTIONAL,
    )
    keys["roles"] = Multiple(
        Single(
            {
                "roleid": Value("int", "role id"),
                "name": Value("raw", "role name"),
                "shortname": Value("alpha", "role shortname"),
                "sortorder": Value("int", "role sortorder"),
            }
        ),
        "user roles",
        OPTIONAL,
    )
    keys["enrolledcourses"] = Multiple(
        Single(
            {
                "id": Value("int", "Id of the course"),
                "fullname": Value("raw", "Fullname of the course"),
                "shortname": Value("raw", "Shortname of the course"),
            }
        ),
        "Courses where the user is enrolled - limited by which courses the user is able to see",
        OPTIONAL,
    )
    return Single(keys)
