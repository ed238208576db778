# Identity with the real openstack CLI: tokens, catalog, projects, users, roles, revocation, limits.
cd "$VS_WORK"
step openstack token issue -f value -c id >/dev/null
expect_line identity openstack catalog list -f value -c Type
step openstack project create cli-alpha -f value -c id >/dev/null
step openstack project create cli-beta -f value -c id >/dev/null
step openstack user create --password alpha-pass cli-user -f value -c id >/dev/null
step openstack role add --project cli-alpha --user cli-user member
step openstack role add --project cli-beta --user cli-user reader
expect_line "member cli-user@Default cli-alpha@Default" openstack role assignment list --names -f value -c Role -c User -c Project

# The second user, with roles in two projects, gets a token scoped to each.
as_user() {
  local project=$1; shift
  env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE OS_AUTH_URL="$VS_URL/identity/v3" OS_IDENTITY_API_VERSION=3 \
    OS_USERNAME=cli-user OS_PASSWORD=alpha-pass OS_USER_DOMAIN_NAME=Default \
    OS_PROJECT_NAME="$project" OS_PROJECT_DOMAIN_NAME=Default "$@"
}
alpha=$(openstack project show cli-alpha -f value -c id)
beta=$(openstack project show cli-beta -f value -c id)
[ "$(as_user cli-alpha openstack token issue -f value -c project_id)" = "$alpha" ]
[ "$(as_user cli-beta openstack token issue -f value -c project_id)" = "$beta" ]
# No role on the admin project: no token for it.
expect_fail 401 as_user admin openstack token issue

# A revoked token is refused.
token=$(as_user cli-alpha openstack token issue -f value -c id)
curl -fsS -o /dev/null -H "X-Auth-Token: $token" "$VS_URL/identity/v3/auth/catalog"
echo "+ openstack token revoke <token>" >&2
openstack token revoke "$token"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $token" "$VS_URL/identity/v3/auth/catalog")
[ "$code" = 401 ] || { echo "revoked token answered $code"; exit 1; }

# Unified limits.
step openstack registered limit create --service keystone --default-limit 10 --region RegionOne cli_widgets >/dev/null
expect_line cli_widgets openstack registered limit list -f value -c "Resource Name"
step openstack limit create --project cli-alpha --service keystone --resource-limit 5 --region RegionOne cli_widgets >/dev/null
expect_line "cli_widgets 5" openstack limit list -f value -c "Resource Name" -c "Resource Limit"
echo "identity walk: ok"
