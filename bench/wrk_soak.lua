-- The soak's traffic: every request creates state the real systems keep for a while. One cycle of
-- seven requests, on one connection per thread so each response() belongs to the last request:
--   1. auth_userkey_request_login_url (a login key; alumno1 and alumno2 alternate)
--   2. login.php with that key          (a logged-in browser session)
--   3. GET /login/index.php, no cookie  (a first-visit session)
--   4. POST /login/index.php            (a password login: another session)
--   5. IniciarSesion                    (a register entry and a pending SENCE login)
--   6. Ingresar with its tx             (a SENCE session and a callback)
--   7. IniciarSesion left pending       (an abandoned login)
-- Each thread stops after BENCH_LIMIT responses.
local token = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
local limit = tonumber(os.getenv("BENCH_LIMIT") or "1000")
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local sence = "RutOtec=76543210-3&Token=5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220&CodSence=1238008244"
  .. "&CodigoCurso=6071806&LineaCapacitacion=3&RunAlumno=12345678-5&IdSesionAlumno=soak"
  .. "&UrlRetoma=http%3A%2F%2Flms.example%2Fexito&UrlError=http%3A%2F%2Flms.example%2Ferror"
local step, done, cycle = 0, 0, 0
local key, tx = "0", "0"

request = function()
  step = step % 7 + 1
  if step == 1 then
    cycle = cycle + 1
    local user = (cycle % 2 == 0) and "alumno1" or "alumno2"
    return wrk.format("POST", "/webservice/rest/server.php", form,
      "wstoken=" .. token .. "&wsfunction=auth_userkey_request_login_url&moodlewsrestformat=json"
      .. "&user%5Busername%5D=" .. user)
  elseif step == 2 then
    return wrk.format("GET", "/auth/userkey/login.php?key=" .. key)
  elseif step == 3 then
    return wrk.format("GET", "/login/index.php")
  elseif step == 4 then
    return wrk.format("POST", "/login/index.php", form, "username=alumno1&password=Alumno1234%21")
  elseif step == 5 or step == 7 then
    return wrk.format("POST", "/rce/Registro/IniciarSesion", form, sence)
  else
    return wrk.format("POST", "/rce/Registro/Ingresar", form, "tx=" .. tx .. "&run=12345678-5&clave=demo")
  end
end

response = function(status, headers, body)
  if step == 1 then
    key = string.match(body, "key=(%x+)") or "0"
  elseif step == 5 then
    tx = string.match(body, 'name="tx" value="(%x+)"') or "0"
  end
  done = done + 1
  if done >= limit then
    wrk.thread:stop()
  end
end
