"""The body of Moodle's redirect (``plain_redirect_message`` in ``plain_page``), whole."""

from __future__ import annotations

from tests.harness import ServerFactory

PAGE = (
    '<!DOCTYPE html>\n<html  dir="ltr" lang="{lang}" xml:lang="{lang}">\n<head>\n<title>{title}</title>\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n</head><body>'
    '<div style="margin-top: 3em; margin-left:auto; margin-right:auto; text-align:center;">'
    '{message}<br /><a href="{href}">{cont}</a></div></body></html>'
)


def test_redirect_body_english_with_encoded_ampersand(server: ServerFactory) -> None:
    h = server()
    loginurl = h.login_url("admin")  # the admin's language is the site's (en)
    response = h.client.get(loginurl + "&wantsurl=" + "http://portal.example/x?a=1%26b=2")
    assert response.status_code == 303
    assert response.headers["location"] == "http://portal.example/x?a=1&b=2"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == PAGE.format(
        lang="en",
        title="Redirect",
        message="This page should automatically redirect. If nothing is happening please use the continue link below.",
        href="http://portal.example/x?a=1&amp;b=2",
        cont="Continue",
    )


def test_redirect_body_in_the_site_language(server: ServerFactory) -> None:
    h = server(overrides={"moodle": {"lang": "es"}})
    loginurl = h.login_url("docente1")
    response = h.client.get(loginurl)
    assert response.status_code == 303
    assert response.text == PAGE.format(
        lang="es",
        title="Redirigir",
        message=(
            "Esta página debería redirigirse automáticamente. Si no ocurre nada, por favor utilice el enlace "
            "'Continuar' que aparece más abajo."
        ),
        href=h.base_url,
        cont="Continuar",
    )
