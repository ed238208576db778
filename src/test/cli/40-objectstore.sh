# Object store with the real clients: swift (stat/post/upload/list/download/delete, a 5 MiB
# upload in 1 MiB segments compared byte for byte, a TempURL, ACLs) and openstack
# container/object commands.
cd "$VS_WORK"
# swiftclient does not read clouds.yaml: give it the same credentials as OS_* variables.
eval "$(/usr/bin/python3 - <<'PY'
import os, shlex, yaml
cloud = yaml.safe_load(open(os.environ['OS_CLIENT_CONFIG_FILE']))['clouds'][os.environ.get('OS_CLOUD', 'vertstack')]
a = cloud['auth']
env = {'OS_AUTH_URL': a['auth_url'], 'OS_USERNAME': a['username'], 'OS_PASSWORD': a['password'],
       'OS_PROJECT_NAME': a['project_name'], 'OS_USER_DOMAIN_NAME': a.get('user_domain_name', 'Default'),
       'OS_PROJECT_DOMAIN_NAME': a.get('project_domain_name', 'Default'), 'OS_AUTH_VERSION': '3',
       'OS_IDENTITY_API_VERSION': '3', 'OS_REGION_NAME': cloud.get('region_name', 'RegionOne')}
print('\n'.join('export %s=%s' % (k, shlex.quote(v)) for k, v in env.items()))
PY
)"
expect_line "object-store" openstack catalog list -f value -c Type
expect_line " *Account: AUTH_[0-9a-f]+" swift stat

# containers and metadata
step swift post cli-swift -m color:blue
expect_line " *Meta Color: blue" swift stat cli-swift
expect_line "cli-swift" swift list

# a small object, up and down
printf 'hello from the swift client\n' > small.txt
step swift upload cli-swift small.txt >/dev/null
expect_line "small.txt" swift list cli-swift
step swift download cli-swift small.txt -o small.out >/dev/null
cmp small.txt small.out
expect_line " *Content Length: 28" swift stat cli-swift small.txt

# 5 MiB in 1 MiB segments (a dynamic large object), compared byte for byte
head -c 5242880 /dev/urandom > big.bin
step swift upload --segment-size 1048576 cli-swift big.bin >/dev/null
expect_line "big.bin" swift list cli-swift
[ "$(swift list cli-swift_segments | wc -l)" -eq 5 ]
expect_line " *Content Length: 5242880" swift stat cli-swift big.bin
step swift download cli-swift big.bin -o big.out >/dev/null
cmp big.bin big.out

# a delimiter listing shows pseudo-folders
step swift upload cli-swift small.txt --object-name docs/a.txt >/dev/null
expect_line "docs/" swift list cli-swift --delimiter /

# a TempURL made by the swift client reads the one object it signs, and writes nothing
step swift post -m Temp-URL-Key:cli-temp-key
account=$(swift stat | sed -n 's/^ *Account: \(AUTH_[0-9a-f]*\).*/\1/p')
signed=$(swift tempurl GET 300 "/v1/$account/cli-swift/small.txt" cli-temp-key)
step curl -fsS -o temp.out "$VS_URL/object-store$signed"
cmp small.txt temp.out
expect_fail 4xx curl -fsS -X PUT --data-binary @small.txt "$VS_URL/object-store$signed"
expect_fail 4xx curl -fsS -o /dev/null "$VS_URL/object-store${signed/small.txt/big.bin}"
# the key is the writer's to see; user content is served sandboxed, never sniffed
expect_line " *Meta Temp-Url-Key: cli-temp-key" swift stat
expect_line "content-security-policy: sandbox" bash -c "curl -fsS -D - -o /dev/null '$VS_URL/object-store$signed' | tr -d '\r' | tr 'A-Z' 'a-z'"
# referrers grant reads only: refused in a write ACL
expect_fail 400 swift post cli-swift -w '.r:*'
step swift post cli-swift -r '.r:*'
step curl -fsS -o /dev/null "$VS_URL/object-store/v1/$account/cli-swift/small.txt"
expect_fail 4xx curl -fsS -X PUT --data-binary @small.txt "$VS_URL/object-store/v1/$account/cli-swift/planted"

# deletes: the object, then the container with its segments
step swift delete cli-swift small.txt >/dev/null
expect_fail 404 swift stat cli-swift small.txt
step swift delete cli-swift >/dev/null
step swift delete cli-swift_segments >/dev/null
expect_fail 404 swift stat cli-swift_segments
expect_fail 404 swift stat cli-swift

# the openstack client on the same API
step openstack container create cli-os >/dev/null
expect_line "cli-os" openstack container list -f value -c Name
expect_line "cli-os" openstack container show cli-os -f value -c container
printf 'saved by openstack\n' > os.txt
step openstack object create cli-os os.txt >/dev/null
expect_line "os.txt" openstack object list cli-os -f value -c Name
expect_line "19" openstack object show cli-os os.txt -f value -c content-length
step openstack object save cli-os os.txt --file os.out
cmp os.txt os.out
step openstack object delete cli-os os.txt
step openstack container delete cli-os
expect_fail 404 openstack container show cli-os
