# Scoped administration with the real openstack CLI: a domain admin manages its own domain and
# nothing else; disabling the domain ends its tokens; nobody deletes their own user.
cd "$VS_WORK"
step openstack domain create cli-x >/dev/null
step openstack domain create cli-y >/dev/null
step openstack user create --domain cli-x --password x-admin-pass cli-xadmin >/dev/null
step openstack role add --domain cli-x --user cli-xadmin --user-domain cli-x admin
step openstack user create --domain cli-y --password y-pass cli-yuser >/dev/null
yuser=$(openstack user show --domain cli-y cli-yuser -f value -c id)

as_domain_admin() {
  env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE OS_AUTH_URL="$VS_URL/identity/v3" OS_IDENTITY_API_VERSION=3 \
    OS_USERNAME=cli-xadmin OS_PASSWORD=x-admin-pass OS_USER_DOMAIN_NAME=cli-x OS_DOMAIN_NAME=cli-x "$@"
}
# Inside its domain: users, projects, grants.
step as_domain_admin openstack user create --domain cli-x --password x-user-pass cli-xuser >/dev/null
step as_domain_admin openstack project create --domain cli-x cli-xproj >/dev/null
step as_domain_admin openstack role add --project cli-xproj --project-domain cli-x --user cli-xuser --user-domain cli-x member
expect_line cli-xuser as_domain_admin openstack user list -f value -c Name
# Outside it: another domain's user, the system scope, the operator's own domains.
expect_fail 4xx as_domain_admin openstack user set --password taken-over "$yuser"
env -u OS_CLOUD -u OS_CLIENT_CONFIG_FILE OS_AUTH_URL="$VS_URL/identity/v3" OS_IDENTITY_API_VERSION=3 \
  OS_USERNAME=cli-yuser OS_PASSWORD=y-pass OS_USER_DOMAIN_NAME=cli-y openstack token issue -f value -c id >/dev/null
expect_fail 4xx as_domain_admin openstack role add --system all --user cli-xuser --user-domain cli-x admin
expect_fail 4xx as_domain_admin openstack domain set --disable cli-y
if as_domain_admin openstack user list -f value -c Name | grep -qx cli-yuser; then
  echo "FAILED: the domain admin of cli-x lists cli-y's users" >&2; exit 1
fi

# Disabling the domain ends the tokens of its users at once.
token=$(as_domain_admin openstack token issue -f value -c id)
curl -fsS -o /dev/null -H "X-Auth-Token: $token" "$VS_URL/identity/v3/auth/catalog"
step openstack domain set --disable cli-x
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $token" "$VS_URL/identity/v3/auth/catalog")
[ "$code" = 401 ] || { echo "a token of a disabled domain answered $code"; exit 1; }
expect_fail 4xx as_domain_admin openstack token issue

# The cloud admin cannot delete or disable itself.
expect_fail 4xx openstack user delete admin
expect_fail 4xx openstack user set --disable admin
step openstack token issue -f value -c id >/dev/null
echo "identity rbac walk: ok"
