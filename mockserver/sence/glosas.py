"""GlosaError tables (Anexo 2), one per manual version, verbatim including the manual's typos.

Source: shared/reference/sence-rce.md §4.3, checked against the three manual PDFs.
"""

from __future__ import annotations

from typing import Literal

Manual = Literal["1.1.6", "1.1.5", "1.1.3"]
MANUALS: tuple[Manual, ...] = ("1.1.6", "1.1.5", "1.1.3")

_G200 = (
    "El POST tiene uno o más parámetros mandatorios sin información. Esto también ocurre cuando un parámetro "
    "está mal escrito (por ejemplo, RutAlumno en lugar de RunAlumno), o cuando se ingresan sólo espacios en "
    "blanco en un parámetro obligatorio."
)
_COMMON_2XX = {
    200: _G200,
    201: (
        "La URL de Retoma y/o URL de Error no tienen información. Ambos parámetros son obligatorios en todos los POST."
    ),
    202: "La URL de Retoma tiene formato incorrecto.",
    203: "La URL de Error tiene formato incorrecto.",
    204: "El Código SENCE tiene menos de 10 caracteres y/o no es código válido.",
    205: "El Código Curso tiene menos de 7 caracteres y/o no es código válido.",
    206: "La línea de capacitación es incorrecta.",
    207: "El Run Alumno tiene formato incorrecto, o tiene el dígito verificador incorrecto.",
    208: "El Run Alumno no está autorizado para realizar el curso.",
    209: "El Rut OTEC tiene formato incorrecto, o tiene el dígito verificador incorrecto.",
    211: "El Token no pertenece al OTEC.",
    212: "El Token no está vigente.",
}
_COMMON_30X = {
    300: ("Error interno no clasificado, se debe reportar al SENCE con la mayor cantidad de antecedentes disponibles."),
    301: (
        "No se pudo registrar el ingreso o cierre de sesión. Esto ocurre cuando la Línea de Capacitación es "
        "incorrecta, o el Código de Curso es incorrecto."
    ),
    302: (
        "No se pudo validar la información del Organismo, se debe reportar al SENCE con la mayor cantidad de "
        "antecedentes disponibles."
    ),
    303: "El Token no existe, o su formato es incorrecto.",
}
_304_OLD = (
    "No se pudieron verificar los datos enviados, se debe reportar al SENCE con la mayor cantidad de "
    "antecedentes disponibles."
)
_305_OLD = (
    "No se pudo registrar la información, se debe reportar al SENCE con la mayor cantidad de antecedentes disponibles."
)
_CLAVE_UNICA = {
    311: "Run ingresado en el Login de Clave Única no corresponde con Run alumno informado por el ejecutor.",
    312: "No se pudo completar la autenticación con Clave Única.",
    313: "URL de Cierre de sesión Incorrecta.",
}

GLOSAS: dict[Manual, dict[int, str]] = {
    "1.1.6": {
        **_COMMON_2XX,
        **_COMMON_30X,
        304: (
            "No se pudieron verificar los datos enviados, se debe reportar al SENCE con la mayor cantidad de "
            "antecedentes disponibles (ej. enviar parámetros de inicio o cierre de sesión según corresponda)"
        ),
        305: (
            "No se pudo registrar la información, se debe reportar al SENCE con la mayor cantidad de antecedentes "
            "disponibles. (ej. enviar parámetros de inicio o cierre de sesión según corresponda)"
        ),
        306: "El Código Curso no corresponde al código SENCE.",
        307: "El Código Curso no tiene modalidad E-learning.",
        308: "El Código Curso no corresponde al RUT OTEC",
        309: "Las fechas de ejecución comunicadas para el Código Curso no corresponden a la fecha actual.",
        310: "El Código Curso está en estado Terminado o Anulado.",
        **_CLAVE_UNICA,
    },
    "1.1.5": {
        **_COMMON_2XX,
        **_COMMON_30X,
        304: _304_OLD,
        305: _305_OLD,
        306: "El Código Curso no corresponde al código SENCE .",
        307: "El Código Curso no tiene modalidad E-learning.",
        308: "El Código Curso no corresponde al RUT OTEC",
        309: "Las fecha de ejecución comunicadas para el Código Curso no corresponden a la fecha actual.",
        310: "El Código Curso está en estado Terminado o Anulado.",
        **_CLAVE_UNICA,
    },
    "1.1.3": {
        100: "Contraseña incorrecta o el usuario no tiene Clave SENCE.",
        **_COMMON_2XX,
        210: (
            "Expiró el tiempo disponible para el ingreso de RUT y Contraseña. El tiempo disponible es de tres minutos."
        ),
        **_COMMON_30X,
        304: _304_OLD,
        305: _305_OLD,
        306: "El Código Curso no corresponde al Código SENCE.",
        307: "El Código Curso no tiene modalidad E-Learning.",
        308: "El Código Curso no corresponde al RUT OTEC.",
        309: "Las fechas de ejecución comunicadas para el Código Curso no corresponden a la fecha actual.",
        310: "El Código Curso está en estado Terminado o Anulado.",
    },
}
# Keep table order numeric, as in the manual.
for _table in GLOSAS.values():
    _ordered = dict(sorted(_table.items()))
    _table.clear()
    _table.update(_ordered)

ALL_CODES: frozenset[int] = frozenset(code for table in GLOSAS.values() for code in table)


def glosa(code: int, manual: Manual = "1.1.6") -> str:
    """The manual's text for ``code``; falls back to other versions, then to a generic text."""
    for version in (manual, *MANUALS):
        text = GLOSAS[version].get(code)
        if text is not None:
            return text
    return f"Error {code} desconocido."


def parse_codes(value: str) -> list[int]:
    """``GlosaError`` as sent: one integer, or several joined by ';' (a plugin-reported variant)."""
    codes = []
    for part in value.split(";"):
        part = part.strip()
        if part.isdigit() and len(part) <= 6:
            codes.append(int(part))
    return codes
