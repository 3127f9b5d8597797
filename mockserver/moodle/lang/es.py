"""Spanish strings (AMOS ``es`` pack). Only entries with a known wording are listed; anything
missing falls back to English key by key, as Moodle does."""

STRINGS: dict[tuple[str, str], str] = {
    ("debug", "invalidparameter"): "Detectado valor de parámetro no válido",
    ("debug", "invalidresponse"): "Detectado valor de respuesta no válido",
    ("debug", "codingerror"): "Detectado un error de codificación, debe ser corregido por un programador: {$a}",
    ("webservice", "invalidtoken"): "Ficha (token) no válida - ficha no encontrada",
    ("webservice", "accessexception"): "Excepción al control de acceso",
    ("webservice", "invalidtimedtoken"): "Ficha (token) no válida - ficha caduca",
    ("webservice", "invalidiptoken"): "Ficha (token) no válida - su IP no es admitida",
    ("webservice", "servicenotavailable"): "El servicio Web no está disponible (no existe o puede estar deshabilitado)",
    ("webservice", "wsaccessusersuspended"): (
        "Se rechazó el acceso a servicio web para el 'nombre de usuario' suspendido: {$a}"
    ),
    ("error", "invalidrecord"): "No se puede encontrar registro de datos en la tabla {$a} de la base de datos.",
    ("error", "passwordisexpired"): "La contraseña está caduca",
    ("moodle", "yes"): "Sí",
    ("moodle", "no"): "No",
    # page chrome (moodle.php, es)
    ("moodle", "login"): "Acceder",
    ("moodle", "logout"): "Salir",
    ("moodle", "username"): "Nombre de usuario",
    ("moodle", "password"): "Contraseña",
    ("moodle", "loggedinas"): "Usted se ha identificado como {$a}",
    ("moodle", "loggedinnot"): "Usted no se ha identificado.",
    ("moodle", "mycourses"): "Mis cursos",
    ("moodle", "dashboard"): "Área personal",
    ("moodle", "home"): "Inicio",
    ("moodle", "redirect"): "Redirigir",
    ("moodle", "continue"): "Continuar",
    ("moodle", "error"): "Error",
    ("moodle", "nocourses"): "No hay cursos",
    ("moodle", "moreinformation"): "Más información sobre este error",
    ("moodle", "pageshouldredirect"): (
        "Esta página debería redirigirse automáticamente. Si no ocurre nada, "
        "por favor utilice el enlace 'Continuar' que aparece más abajo."
    ),
    ("moodle", "testserver"): "Servidor de pruebas — no es un sitio Moodle real",
}
