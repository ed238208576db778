"""Writes tempest.conf for a running VertStack cloud, from what its catalog says it runs.

Usage: write_conf.py AUTH_URL ADMIN_USER ADMIN_PASSWORD WORKDIR > tempest.conf
Also writes WORKDIR/etc/areas: the Tempest API areas of the services in the catalog.

Tempest acts as admin with a token scoped to the bootstrap 'admin' project, as DevStack's
default configuration does (scope enforcement off); dynamic credentials create and delete
Tempest's own projects and users.
"""
import json
import os
import sys
import time
import urllib.request

auth_url, user, password, workdir = sys.argv[1:5]


def call(method, url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data, headers, method=method)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.headers, json.loads(resp.read() or b"{}")


headers, token_body = call("POST", auth_url + "/auth/tokens", body={"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": user, "password": password, "domain": {"id": "default"}}}},
    "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
token = headers["X-Subject-Token"]
catalog = {entry["type"]: entry for entry in token_body["token"].get("catalog", [])}

# Swift's account quotas are set by a reseller admin: the role a deployment creates for Swift
# (DevStack's lib/swift does the same), so that Tempest's dynamic credentials can grant it.
if "object-store" in catalog:
    _, roles = call("GET", auth_url + "/roles?name=ResellerAdmin", token)
    if not roles.get("roles"):
        call("POST", auth_url + "/roles", token, {"role": {"name": "ResellerAdmin"}})


def swift_sync_realm():
    """The realm and cluster container sync knows, from the object store's /info."""
    base = public_url("object-store").split("/v1/")[0]
    with urllib.request.urlopen(base + "/info", timeout=60) as resp:
        realms = json.loads(resp.read()).get("container_sync", {}).get("realms", {})
    for realm, spec in realms.items():
        for cluster in spec.get("clusters", {}):
            return realm.lower(), cluster.lower()
    return "realm1", "name1"


def public_url(service_type):
    for endpoint in catalog[service_type]["endpoints"]:
        if endpoint["interface"] == "public":
            return endpoint["url"]
    return None


available = {
    "swift": "object-store" in catalog,
    "glance": "image" in catalog,
    "nova": "compute" in catalog,
    "neutron": "network" in catalog,
    "cinder": "volumev3" in catalog or "block-storage" in catalog,
}
areas = ["identity"]
areas += ["object_storage"] if available["swift"] else []
areas += ["image"] if available["glance"] else []
areas += ["compute"] if available["nova"] else []
with open(workdir + "/etc/areas", "w") as f:
    f.write(" ".join(areas) + "\n")

realm_name, cluster_name = swift_sync_realm() if available["swift"] else ("realm1", "name1")

def wait_for(what, probe, timeout=600):
    """Polls probe() every 2 s until it answers something true; the cloud does both in the background."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(2)
    sys.exit(f"timed out waiting for {what}")


def tiny_image():
    _, images = call("GET", public_url("image") + "/v2/images?name=vertstack-tiny", token)
    active = [i for i in images.get("images", []) if i["status"] == "active"]
    return active[0]["id"] if active else None


def compute_host_up():
    _, hosts = call("GET", public_url("compute") + "/os-hypervisors/detail", token)
    up = [h for h in hosts.get("hypervisors", []) if h.get("state") == "up"]
    return up and {h.get("hypervisor_type") for h in up}


wanted = (os.environ.get("TEMPEST_AREAS") or " ".join(areas)).split()
compute = ""
console_output = True
if available["nova"] and available["glance"] and "compute" in wanted:
    # The cloud imports its tiny bootable guest (image.tiny-guest) and connects its compute agent
    # to libvirt after start-up: Tempest boots that image, and needs a host to boot it on.
    image_ref = wait_for("the vertstack-tiny image", tiny_image)
    # libvirt's test driver (LIBVIRT_URI=test:///default) keeps no console: Tempest would wait
    # build_timeout for output that never comes
    console_output = wait_for("a compute host", compute_host_up) != {"test"}
    _, flavors = call("GET", public_url("compute") + "/flavors", token)
    by_name = {f["name"]: f["id"] for f in flavors.get("flavors", [])}
    # two flavors with the same disk, the second larger (Tempest resizes from one to the other)
    flavor = by_name["m1.nano"]
    flavor_alt = by_name["m1.tiny"]
    compute = f"""image_ref = {image_ref}
image_ref_alt = {image_ref}
flavor_ref = {flavor}
flavor_ref_alt = {flavor_alt}
fixed_network_name =
build_timeout = 300
min_microversion = 2.1
max_microversion = 2.79
min_compute_nodes = 1
shelved_offload_time = 0
"""

b = lambda v: "true" if v else "false"
print(f"""[DEFAULT]
log_file = {workdir}/logs/tempest.log
use_stderr = false

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = {user}
admin_password = {password}
admin_project_name = admin
admin_domain_name = Default
default_credentials_domain_name = Default

[identity]
uri_v3 = {auth_url}
auth_version = v3
region = RegionOne
v3_endpoint_type = public
admin_role = admin
default_domain_id = default

[identity-feature-enabled]
api_v2 = false
api_v3 = true
trust = true
domain_specific_drivers = false
security_compliance = false
project_tags = true
application_credentials = true
access_rules = true

[service_available]
swift = {b(available["swift"])}
glance = {b(available["glance"])}
nova = {b(available["nova"])}
neutron = {b(available["neutron"])}
cinder = {b(available["cinder"])}

[object-storage]
region = RegionOne
operator_role = member
reseller_admin_role = ResellerAdmin
container_sync_timeout = 120
container_sync_interval = 5
realm_name = {realm_name}
cluster_name = {cluster_name}

[object-storage-feature-enabled]
discoverability = true
container_sync = true
object_versioning = true
discoverable_apis = all

[image]
region = RegionOne
build_timeout = 120
build_interval = 1
image_caching_enabled = true

[image-feature-enabled]
api_v2 = true
import_image = true
os_glance_reserved = true

[compute]
region = RegionOne
{compute}
[compute-feature-enabled]
# what this cloud's compute does: same-host resize, snapshots, shelve (offloaded at once),
# pause, suspend, console log, the serial console; no networks or volumes (so no interface or
# volume attach), no migration, rescue, config drive, metadata service, password change or
# disk_config (every server is MANUAL)
console_output = {b(console_output)}
serial_console = true
vnc_console = false
spice_console = false
snapshot = true
resize = true
shelve = true
shelve_migrate = false
pause = true
suspend = true
live_migration = false
cold_migration = false
rescue = false
stable_rescue = false
change_password = false
interface_attach = false
attach_encrypted_volume = false
config_drive = false
metadata_service = false
personality = false
disk_config = false
enable_instance_password = true
volume_multiattach = false
swap_volume = false
unified_limits = false

[network]
region = RegionOne

[validation]
run_validation = false

[enforce_scope]
keystone = false
glance = false
nova = false
""")
