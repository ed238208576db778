#!/usr/bin/env bash
# Identity benchmark: token validation and an authenticated list at 32 connections, and token
# issue (bound by the bcrypt password hash). Loopback only; each run lasts DURATION seconds.
source "$(dirname "$0")/../lib.sh"
DURATION=${DURATION:-15}
start_node
TOKEN=$(admin_token)
export TOKEN
here=$(cd "$(dirname "$0")" && pwd)
echo "VertStack identity benchmark, $(nproc) cores, $(date -u +%FT%TZ), ${DURATION}s per run"
wrk_summary "GET /v3/auth/tokens (validate), c=32" -t2 -c32 -d"${DURATION}s" -s "$here/validate.lua" "$LT_URL/identity/v3/auth/tokens"
wrk_summary "GET /v3/projects (authenticated), c=32" -t2 -c32 -d"${DURATION}s" -s "$here/validate.lua" "$LT_URL/identity/v3/projects"
export LT_PASSWORD
wrk_summary "POST /v3/auth/tokens (issue), c=8" -t2 -c8 -d"${DURATION}s" -s "$here/issue.lua" "$LT_URL/identity/v3/auth/tokens"
