"""GlosaError tables: verbatim per manual version, typos included (reference §4.3)."""

from __future__ import annotations

from mockserver.sence.glosas import GLOSAS, glosa, parse_codes


def test_code_sets_per_version() -> None:
    v116 = [200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 211, 212]
    v116 += [300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313]
    assert list(GLOSAS["1.1.6"]) == v116
    assert list(GLOSAS["1.1.5"]) == v116
    assert list(GLOSAS["1.1.3"]) == [100, *v116[:10], 210, *v116[10:-3]]


def test_v116_texts_verbatim() -> None:
    assert glosa(200) == (
        "El POST tiene uno o más parámetros mandatorios sin información. Esto también ocurre cuando un parámetro "
        "está mal escrito (por ejemplo, RutAlumno en lugar de RunAlumno), o cuando se ingresan sólo espacios en "
        "blanco en un parámetro obligatorio."
    )
    assert glosa(304).endswith("(ej. enviar parámetros de inicio o cierre de sesión según corresponda)")
    assert glosa(305).endswith("disponibles. (ej. enviar parámetros de inicio o cierre de sesión según corresponda)")
    assert glosa(308) == "El Código Curso no corresponde al RUT OTEC"  # no final period
    assert glosa(311) == (
        "Run ingresado en el Login de Clave Única no corresponde con Run alumno informado por el ejecutor."
    )
    assert glosa(313) == "URL de Cierre de sesión Incorrecta."


def test_version_wording_differences() -> None:
    assert GLOSAS["1.1.5"][306] == "El Código Curso no corresponde al código SENCE ."
    assert GLOSAS["1.1.5"][309].startswith("Las fecha de ejecución")
    assert GLOSAS["1.1.3"][306] == "El Código Curso no corresponde al Código SENCE."
    assert GLOSAS["1.1.3"][307] == "El Código Curso no tiene modalidad E-Learning."
    assert GLOSAS["1.1.3"][308] == "El Código Curso no corresponde al RUT OTEC."
    assert GLOSAS["1.1.3"][100] == "Contraseña incorrecta o el usuario no tiene Clave SENCE."
    assert GLOSAS["1.1.3"][210] == (
        "Expiró el tiempo disponible para el ingreso de RUT y Contraseña. El tiempo disponible es de tres minutos."
    )
    assert "(ej." not in GLOSAS["1.1.5"][304]


def test_fallback_texts() -> None:
    assert glosa(100, "1.1.6") == GLOSAS["1.1.3"][100]
    assert glosa(999) == "Error 999 desconocido."


def test_parse_codes() -> None:
    assert parse_codes("311") == [311]
    assert parse_codes("211;204") == [211, 204]
    assert parse_codes(" 205 ") == [205]
    assert parse_codes("x;1234567;") == []
