-- Password authentication scoped to the admin project.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "'
  .. os.getenv("LT_PASSWORD") .. '"}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}'
