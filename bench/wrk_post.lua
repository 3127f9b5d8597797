-- POST a fixed urlencoded body (auth_userkey_request_login_url) and count statuses.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = os.getenv("BENCH_BODY")
