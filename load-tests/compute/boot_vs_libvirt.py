#!/usr/bin/env python3
"""Benchmark (a) on the test driver: one boot at a time, POST /servers -> ACTIVE (polled every
5 ms), beside libvirt's own define+start of the same domain XML (virsh --timing, test:///default),
in the same run. Prints the medians and the control plane's addition. Usage:
  boot_vs_libvirt.py URL TOKEN IMAGE FLAVOR [N]"""
import http.client, json, re, statistics, subprocess, sys, tempfile, time, urllib.parse, uuid

url, token, image, flavor = sys.argv[1:5]
n = int(sys.argv[5]) if len(sys.argv) > 5 else 15
p = urllib.parse.urlparse(url)
H = {"X-Auth-Token": token, "Content-Type": "application/json", "OpenStack-API-Version": "compute 2.79"}
conn = http.client.HTTPConnection(p.hostname, p.port, timeout=60)


def call(method, path, body=None):
    conn.request(method, "/compute/v2.1" + path, body=None if body is None else json.dumps(body), headers=H)
    r = conn.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)


api = []
for i in range(n):
    t = time.monotonic()
    status, body = call("POST", "/servers", {"server": {"name": "a-%d" % i, "imageRef": image, "flavorRef": flavor, "networks": "none"}})
    assert status == 202, body
    sid = body["server"]["id"]
    while True:
        _, s = call("GET", "/servers/" + sid)
        if s["server"]["status"] != "BUILD":
            break
        time.sleep(0.005)
    api.append(time.monotonic() - t)
    assert s["server"]["status"] == "ACTIVE", s
    call("DELETE", "/servers/" + sid)
    time.sleep(0.2)

# the agent's test-driver domain (DomainXml.test), defined and started by libvirt itself
lib = []
for i in range(n):
    dom = str(uuid.uuid4())
    xml = """<domain type='test'><name>vs-%s</name><uuid>%s</uuid><memory unit='MiB'>128</memory><vcpu>1</vcpu>
<os><type arch='x86_64'>hvm</type></os></domain>""" % (dom, dom)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    out = subprocess.run(["virsh", "-t", "-c", "test:///default", "define %s; start vs-%s" % (f.name, dom)],
                         capture_output=True, text=True, check=True).stdout
    lib.append(sum(float(x) for x in re.findall(r"\(Time: ([0-9.]+) ms\)", out)) / 1000)

a, b = statistics.median(api), statistics.median(lib)
print("POST /servers -> ACTIVE (test driver), %d boots: median %.1f ms, min %.1f ms, max %.1f ms" % (n, 1000 * a, 1000 * min(api), 1000 * max(api)))
print("libvirt define+start of the same domain (virsh -t), %d runs: median %.2f ms" % (n, 1000 * b))
print("control plane adds: %.1f ms (median)" % (1000 * (a - b)))
