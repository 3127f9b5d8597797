"""Secrets in the journal: tokens and keys shortened, passwords hidden, data left alone."""

from __future__ import annotations

from mockserver.admin.masking import HIDDEN, mask_params, mask_text, shorten

TOKEN = "d1c2b3a4e5f60718293a4b5c6d7e8f90"


def test_shorten_keeps_both_ends() -> None:
    assert shorten(TOKEN) == "d1c2…8f90"
    assert shorten("short") == HIDDEN
    assert shorten("") == ""


def test_params_mask_tokens_keys_and_passwords_by_name() -> None:
    masked = mask_params(
        {
            "wstoken": TOKEN,
            "Token": "5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220",
            "key": "283e03acfe5c1c8bed34e6ef1a7b1435",
            "password": "Alumno1234!",
            "users[0][password]": "Secret1!",
            "criteria[0][key]": "email",
            "user[username]": "alumno1",
            "wsfunction": "auth_userkey_request_login_url",
        }
    )
    assert masked == {
        "wstoken": "d1c2…8f90",
        "Token": "5EEB…3220",
        "key": "283e…1435",
        "password": HIDDEN,
        "users[0][password]": HIDDEN,
        "criteria[0][key]": "email",
        "user[username]": "alumno1",
        "wsfunction": "auth_userkey_request_login_url",
    }


def test_text_masks_login_urls_token_answers_and_forms() -> None:
    body = '{"loginurl":"http:\\/\\/h\\/auth\\/userkey\\/login.php?key=283e03acfe5c1c8bed34e6ef1a7b1435"}'
    assert mask_text(body) == '{"loginurl":"http:\\/\\/h\\/auth\\/userkey\\/login.php?key=283e…1435"}'
    assert mask_text(f'{{"token":"{TOKEN}","privatetoken":"{TOKEN}"}}') == (
        '{"token":"d1c2…8f90","privatetoken":"d1c2…8f90"}'
    )
    form = '<input type="hidden" name="Token" value="5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220">'
    assert mask_text(form) == '<input type="hidden" name="Token" value="5EEB…3220">'
    assert mask_text(f"/webservice/rest/server.php?wstoken={TOKEN}&x=1") == (
        "/webservice/rest/server.php?wstoken=d1c2…8f90&x=1"
    )
    assert mask_text('{"password":"x1"}') == f'{{"password":"{HIDDEN}"}}'
    assert mask_text("nothing secret here") == "nothing secret here"
