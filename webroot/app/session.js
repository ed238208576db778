// Log in, pick a project, switch, log out: Keystone v3 tokens kept in sessionStorage only
// (never a cookie), so closing the tab forgets them and no other site can ride them.
import { call } from './api.js';

const KEY = 'vertstack.session';
const TOKENS = '/identity/v3/auth/tokens';

export function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (s && s.base && new Date(s.base.expires_at) > new Date()) return s;
  } catch (e) { /* a damaged entry is the same as none */ }
  sessionStorage.removeItem(KEY);
  return null;
}

export function saveSession(session) {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

function tokenOf(res) {
  const t = res.data.token;
  return {
    id: res.headers.get('X-Subject-Token'),
    expires_at: t.expires_at,
    user: t.user,
    project: t.project || null,
    roles: (t.roles || []).map((r) => r.name),
    // the cloud's admin project (Keystone's is_admin_project) and a system scope widen an admin role
    is_admin_project: t.is_admin_project,
    system: !!t.system,
    catalog: t.catalog || [],
  };
}

/** Password log-in; the resulting token is only used to list projects and to get scoped tokens. */
export async function login(username, password, domain) {
  const res = await call('POST', TOKENS, {
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: username, password, domain: { name: domain || 'Default' } } },
        },
      },
    },
  });
  const base = tokenOf(res);
  const [projects, defaultProject] = await Promise.all([listProjects(base.id), defaultProjectOf(base)]);
  return { base: { ...base, default_project_id: defaultProject }, projects, scoped: null };
}

/** The user's default project: not in the token, so read from the user (who may read themself). */
async function defaultProjectOf(base) {
  try {
    const res = await call('GET', `/identity/v3/users/${encodeURIComponent(base.user.id)}`, { token: base.id });
    return res.data.user.default_project_id || null;
  } catch (e) {
    return null; // no default then: the user chooses
  }
}

export async function listProjects(token) {
  const res = await call('GET', '/identity/v3/auth/projects', { token });
  return (res.data.projects || []).filter((p) => p.enabled !== false)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A token for one project, got from the log-in token (the token method): no password again. */
export async function scopeTo(session, projectId) {
  const res = await call('POST', TOKENS, {
    body: {
      auth: {
        identity: { methods: ['token'], token: { id: session.base.id } },
        scope: { project: { id: projectId } },
      },
    },
  });
  return { ...session, scoped: tokenOf(res) };
}

/** Revokes a token (authenticated by another, or by itself); a token already gone is fine. */
export function revoke(subject, auth) {
  return call('DELETE', TOKENS, { token: auth, headers: { 'X-Subject-Token': subject } })
    .catch(() => { /* already expired or revoked */ });
}

/** Revokes both tokens, then forgets them. */
export async function logout(session) {
  if (!session) return;
  if (session.scoped) await revoke(session.scoped.id, session.scoped.id);
  await revoke(session.base.id, session.base.id);
}

export { isAdmin } from './roles.js';
