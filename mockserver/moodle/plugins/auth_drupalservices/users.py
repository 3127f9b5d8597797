"""``create_update_user`` (eduauth-and-drupal.md §2.4): the Moodle user keyed by idnumber = Drupal uid.

Drupal 7 accounts keep field values as ``{"und": [{"value": ...}]}``; Drupal 8+ entities are flattened
first (``drupal8_extract``). Values become strings the way PHP's ``''.$value`` does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from mockserver.moodle.domain.users import created_users_room
from mockserver.moodle.plugins.auth_drupalservices.settings import AuthDrupalservicesSettings
from mockserver.moodle.site import Site
from mockserver.world.entities import User

AUTH = "drupalservices"
SKIPPED_NAMES = ("admin", "guest")


def php_str(value: Any) -> str:
    """``''.$value``: null/false -> '', true -> '1', arrays/objects -> 'Array'."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dict, list)):
        return "Array"
    return str(value)


def php_empty(value: Any) -> bool:
    return value in (None, False, 0, 0.0, "", "0") or (isinstance(value, (dict, list)) and not value)


def php_truthy(value: Any) -> bool:
    return not php_empty(value)


def uid_below_one(uid: str) -> bool:
    """``$uid < 1`` in PHP 8: numeric strings compare as numbers, others as strings against '1'."""
    try:
        return float(uid) < 1
    except ValueError:
        return uid < "1"


def d8_extract(entity: Any) -> dict[str, Any]:
    """``drupal8_extract``: ``[{"value": v}]`` -> v; several items joined with ','; an item with a
    ``format`` (dates) -> its Unix time; empty values skipped, empty fields ''."""
    from mockserver.moodle.plugins.auth_drupalservices.dates import strtotime

    flat: dict[str, Any] = {}
    if not isinstance(entity, dict):
        return flat
    for key, struct in entity.items():
        if php_empty(struct):
            flat[key] = ""
            continue
        first = struct[0] if isinstance(struct, list) and struct else None
        value = first.get("value") if isinstance(first, dict) else None
        if php_empty(value):
            continue
        assert isinstance(struct, list) and isinstance(first, dict)
        if "format" in first:
            flat[key] = strtotime(php_str(value))
        elif len(struct) == 1:
            flat[key] = value
        else:
            flat[key] = ",".join(php_str(item.get("value") if isinstance(item, dict) else None) for item in struct)
    return flat


def d7_value(account: dict[str, Any], drupalfield: str) -> str:
    """A Drupal 7 attribute: ``field->und[0]->value``, ``field->und->item->value``, a scalar, or the first
    value of an object; empty or a list -> ''."""
    value = account.get(drupalfield)
    if php_empty(value):
        return ""
    if isinstance(value, dict):
        und = value.get("und")
        if isinstance(und, list) and und and isinstance(und[0], dict) and und[0].get("value") is not None:
            return php_str(und[0]["value"])
        item = und.get("item") if isinstance(und, dict) else None
        if isinstance(item, dict) and item.get("value") is not None:
            return php_str(item["value"])
        return php_str(next(iter(value.values())))
    if isinstance(value, list):
        return ""
    return php_str(value)


def d8_value(flat: dict[str, Any], drupalfield: str) -> str:
    value = flat.get(drupalfield)
    return "" if php_empty(value) else php_str(value)


class WriteError(Exception):
    """``$DB->insert_record``/``update_record`` refused the row (dml_write_exception)."""


def create_update_user(
    site: Site, settings: AuthDrupalservicesSettings, account: dict[str, Any], uid: str
) -> User | None:
    """Insert or update the Moodle user for a Drupal account; None for Drupal's admin/guest (not synced)."""
    found = [u for u in site.store.find_users("idnumber", uid) if not u.deleted] if uid else []
    status = php_truthy(account.get("status"))
    name = php_str(account.get("name"))
    if name in SKIPPED_NAMES:
        return None
    values: dict[str, Any] = {"auth": AUTH, "lang": site.cfg.lang}
    if status:
        for field, drupalfield in settings.field_map.items():
            if not drupalfield:
                continue
            value = d7_value(account, drupalfield) if settings.drupalversion < 8 else d8_value(account, drupalfield)
            if field == "lang":
                value = value.lower()[:2]
            elif field == "country":
                value = value.upper()[:2]
            values[field] = value
    values.update(username=name, idnumber=uid, confirmed=status, suspended=not status, deleted=False)
    current = found[0] if found else None
    city = values.get("city", current.city if current else "")
    country = values.get("country", current.country if current else "")
    values["city"] = city or "none"
    values["country"] = (country or "none")[:2]
    clash = [u for u in site.store.find_users("username", name) if current is None or u.id != current.id]
    if account.get("name") is None or clash:
        raise WriteError(name)  # username NOT NULL (no account), unique (username, mnethostid)
    now = int(site.clock.time())
    if current is None:
        if created_users_room(site) < 1:
            raise WriteError(name)  # limits.created_users: the insert fails as on a full database
        user = User(id=site.store.next_user_id(), timecreated=now, timemodified=now, **values)
        return site.store.add_user(user)
    updated = replace(current, timemodified=now, **values)
    site.store.save_user(updated)
    return updated
