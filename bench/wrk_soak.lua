-- The soak's traffic: every request creates state the real systems keep for a while. One cycle of
-- seven requests, on one connection per thread so each response() belongs to the last request:
--   1. auth_userkey_request_login_url (a login key for this thread's own user)
--   2. login.php with that key          (a logged-in browser session)
--   3. GET /login/index.php, no cookie  (a first-visit session)
--   4. POST /login/index.php            (a password login: another session)
--   5. IniciarSesion                    (a register entry and a pending SENCE login)
--   6. Ingresar with its tx             (a SENCE session and a callback)
--   7. IniciarSesion left pending       (an abandoned login)
-- Each thread stops after BENCH_LIMIT responses. Each thread has its own user (up to three threads):
-- auth_userkey keeps one key per user, so two threads sharing a user would replace each other's key
-- between steps 1 and 2 and get "Incorrect key" (404) for it, as two browsers would.
local token = "d1c2b3a4e5f60718293a4b5c6d7e8f90"
local limit = tonumber(os.getenv("BENCH_LIMIT") or "1000")
local form = { ["Content-Type"] = "application/x-www-form-urlencoded" }
local sence = "RutOtec=76543210-3&Token=5EEBF607-25A9-4DB2-A4DD-5D31BDAE3220&CodSence=1238008244"
  .. "&CodigoCurso=6071806&LineaCapacitacion=3&RunAlumno=12345678-5&IdSesionAlumno=soak"
  .. "&UrlRetoma=http%3A%2F%2Flms.example%2Fexito&UrlError=http%3A%2F%2Flms.example%2Ferror"
local users = { "alumno1", "alumno2", "docente1" }
-- The step moves on in response(), not in request(): wrk calls request() once per thread before
-- it connects and never sends that request, which would otherwise skip step 1 (and send step 2
-- with no key: one 404 per run).
local step, answered = 1, 0
local key, tx = "0", "0"

local threads, all = 0, {}
function setup(thread)
  threads = threads + 1
  thread:set("user", users[(threads - 1) % #users + 1])
  table.insert(all, thread)
end

-- Answers that were not 2xx/3xx, by step and status ("failed <step> <status> <count>" lines for bench/soak.py).
failed = {}

request = function()
  if step == 1 then
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
  if status >= 400 then
    local k = step .. " " .. status
    failed[k] = (failed[k] or 0) + 1
  end
  if step == 1 then
    key = string.match(body, "key=(%x+)") or "0"
  elseif step == 5 then
    tx = string.match(body, 'name="tx" value="(%x+)"') or "0"
  end
  step = step % 7 + 1
  answered = answered + 1
  if answered >= limit then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  for _, thread in ipairs(all) do
    for k, n in pairs(thread:get("failed")) do
      io.write("failed " .. k .. " " .. n .. "\n")
    end
  end
end
