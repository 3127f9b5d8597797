"""local_eduauth: apps log a user in through a browser, poll for the result, then call Moodle (§1)."""
