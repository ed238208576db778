# Dashboard from the built jar: the page, its vendored libraries (served as JavaScript), its
# Content-Security-Policy, and the live feed's endpoint (a WebSocket, so plain HTTP gets 426).
cd "$VS_WORK"
step curl -fsS -D headers.txt -o index.html "$VS_URL/"
grep -q 'type="importmap"' index.html
grep -qi "^content-security-policy: default-src 'self'" headers.txt
for module in /vendor/preact/dist/preact.mjs /vendor/preact/hooks/dist/hooks.mjs /vendor/htm/dist/htm.mjs /vendor/xterm/lib/xterm.mjs /app/main.js; do
  expect_line "content-type: text/javascript.*" bash -c "curl -fsS -D - -o /dev/null '$VS_URL$module' | tr -d '\r' | tr 'A-Z' 'a-z'"
done
expect_line 426 curl -sS -o /dev/null -w '%{http_code}' "$VS_URL/v1/events"
# Static files: gzip for clients that take it, and a 304 with no body while unchanged (by ETag).
expect_line "content-encoding: gzip" bash -c "curl -fsS -D - -o /dev/null -H 'Accept-Encoding: gzip' '$VS_URL/app/main.js' | tr -d '\r' | tr 'A-Z' 'a-z'"
etag=$(curl -fsS -D - -o /dev/null "$VS_URL/app/main.js" | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
expect_line 304 curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$VS_URL/app/main.js"
