-- Every request carries the admin token as both the caller and the subject.
local token = os.getenv("TOKEN")
wrk.headers["X-Auth-Token"] = token
wrk.headers["X-Subject-Token"] = token
