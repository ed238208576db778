// What the caller may do, read from the token the dashboard already holds (its roles, project,
// is_admin_project and system scope), and refusals of the API put in words. The API decides in
// the end: this only keeps the page from offering what it would refuse, and says why it did.
import { ApiError } from './api.js';

/** {admin, write, read, roles, project} for a session's scoped token. */
export function accessOf(session) {
  const t = session && session.scoped;
  if (!t) return { admin: false, write: false, read: false, roles: [], project: null };
  const roles = t.roles || [];
  // An admin role on a project the identity service marks as not the admin project administers
  // that project only, as in Keystone; a system-scoped admin and the admin project's admin the cloud.
  const admin = roles.includes('admin') && (t.system || t.is_admin_project !== false);
  const write = roles.includes('admin') || roles.includes('member');
  return { admin, write, read: write || roles.includes('reader'), roles, project: t.project };
}

export function isAdmin(session) {
  return accessOf(session).admin;
}

/** The strongest of the roles (member implies reader, so a token holds both): what the caller is called. */
export function mainRole(roles) {
  return ['admin', 'member', 'reader'].find((r) => roles.includes(r)) || roles[0] || 'none';
}

/** What a role may not do, by HTTP method, when the caller did not name the action. */
const GENERIC = { GET: 'see this', HEAD: 'see this', DELETE: 'delete this', POST: 'make this change', PUT: 'make this change', PATCH: 'make this change' };
export const actionOf = (method) => GENERIC[method] || 'do this';

/**
 * A 403 of the API as a sentence: "Your role in project alpha is reader: it cannot upload."
 * Other errors come back as they were; an error already explained is not explained twice.
 * action: what was tried, said after "it cannot" ("upload", "delete this").
 */
export function explainRefusal(error, session, action) {
  if (!error || error.status !== 403 || error.explained) return error;
  const t = session && session.scoped;
  if (!t) return error;
  // a member or admin refused for another reason (a protected image, the last admin) keeps the
  // service's own words; a bare "Forbidden" or a policy refusal is said in terms of the role
  const bare = /^(forbidden\.?)?$|not authori[sz]ed|role is required|policy/i.test((error.message || '').trim());
  const access = accessOf(session);
  if (access.admin || (!bare && access.write)) return error;
  const where = t.project ? `in project ${t.project.name}` : 'here';
  const which = mainRole(t.roles || []);
  const said = `Your role ${where} is ${which}: it cannot ${action}.`;
  return Object.assign(new ApiError(403, said), { explained: true, detail: error.message });
}
