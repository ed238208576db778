#!/usr/bin/env python3
"""N concurrent boots (POST /servers, one connection each, released together) against a node on
libvirt's test driver. Prints the API's acceptance time, boots/s until every server settled, the
p50/p99 of each server's POST -> ACTIVE time (seen by a poller of /servers/detail every 50 ms),
and checks that nothing was oversubscribed. Standard library only. Usage:
  boots.py URL TOKEN PROJECT IMAGE FLAVOR [COUNT]"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url, token, project, image, flavor = sys.argv[1:6]
count = int(sys.argv[6]) if len(sys.argv) > 6 else 200
parsed = urllib.parse.urlparse(url)
HEADERS = {"X-Auth-Token": token, "Content-Type": "application/json", "OpenStack-API-Version": "compute 2.79"}


def call(method, path, body=None):
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
    conn.request(method, "/compute/v2.1" + path, body=None if body is None else json.dumps(body), headers=HEADERS)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, (json.loads(data) if data else None)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1)]


posted = {}      # server id -> time the POST was sent
accepted = []    # POST -> 202 latencies
failures = []
settled = {}     # server id -> (time first seen settled, status)
barrier = threading.Barrier(count + 1)
lock = threading.Lock()


def boot(i):
    body = {"server": {"name": "bench-%d" % i, "imageRef": image, "flavorRef": flavor, "networks": "none"}}
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
    conn.connect()
    barrier.wait()
    sent = time.monotonic()
    conn.request("POST", "/compute/v2.1/servers", body=json.dumps(body), headers=HEADERS)
    resp = conn.getresponse()
    data = resp.read()
    done = time.monotonic()
    conn.close()
    with lock:
        if resp.status != 202:
            failures.append((resp.status, data[:200]))
        else:
            posted[json.loads(data)["server"]["id"]] = sent
            accepted.append(done - sent)


done_polling = threading.Event()


def poll():
    # only what changed since the last look (with a second's overlap), so the poller itself costs little
    since = None
    while not done_polling.is_set():
        asked = time.time()
        query = "" if since is None else "&changes-since=" + time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since - 1))
        status, body = call("GET", "/servers/detail?limit=1000" + query)
        now = time.monotonic()
        since = asked
        if status == 200:
            for s in body["servers"]:
                if s["status"] in ("ACTIVE", "ERROR") and s["id"] not in settled:
                    settled[s["id"]] = (now, s["status"])
        time.sleep(0.05)


threads = [threading.Thread(target=boot, args=(i,)) for i in range(count)]
for t in threads:
    t.start()
poller = threading.Thread(target=poll)
barrier.wait()
start = time.monotonic()
poller.start()
for t in threads:
    t.join()
all_accepted = time.monotonic() - start
deadline = time.monotonic() + 300
while time.monotonic() < deadline and not all(i in settled for i in posted):
    time.sleep(0.05)
done_polling.set()
poller.join()
last = max((settled[i][0] for i in posted if i in settled), default=start)
total = last - start
active = [i for i in posted if i in settled and settled[i][1] == "ACTIVE"]
errors = [i for i in posted if i in settled and settled[i][1] == "ERROR"]
boot_times = [settled[i][0] - posted[i] for i in active]
print("%d concurrent boots: %d accepted (202) in %.2f s (POST p50 %.0f ms, p99 %.0f ms), %d refused"
      % (count, len(posted), all_accepted, 1000 * pct(accepted, 50), 1000 * pct(accepted, 99), len(failures)))
print("settled in %.2f s: %d ACTIVE, %d ERROR, %d unsettled -> %.1f boots/s"
      % (total, len(active), len(errors), len(posted) - len(active) - len(errors), len(active) / total if total else 0))
if boot_times:
    print("POST -> ACTIVE per server: p50 %.0f ms, p99 %.0f ms, max %.0f ms"
          % (1000 * pct(boot_times, 50), 1000 * pct(boot_times, 99), 1000 * max(boot_times)))
for f in failures[:3]:
    print("refused:", f)
if errors:
    print("first ERROR:", call("GET", "/servers/" + errors[0])[1]["server"].get("fault"))
status, hyp = call("GET", "/os-hypervisors/detail")
for h in hyp["hypervisors"]:
    cap = h["vcpus"] * 16  # the bench node runs with cpu-allocation-ratio 16
    over = h["vcpus_used"] > cap or h["memory_mb_used"] > h["memory_mb"]
    print("host %s: %d/%d vCPUs (x16), %d/%d MiB RAM used -> %s"
          % (h["hypervisor_hostname"], h["vcpus_used"], cap, h["memory_mb_used"], h["memory_mb"],
             "OVERSUBSCRIBED" if over else "not oversubscribed"))
# clean up, so a second round starts from an empty host
for i in posted:
    call("DELETE", "/servers/" + i)
sys.exit(0 if len(active) == count and not failures else 1)
