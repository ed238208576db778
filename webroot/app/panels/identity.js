// Identity (admin): projects, users, roles and role assignments, through Keystone's v3 API.
// Lists reload when the live feed reports an identity change, whoever made it.
import { html, useState } from '../lib.js';
import { DataTable } from '../table.js';
import { useLiveData } from '../hooks.js';
import { useRoute } from '../route.js';
import { DetailsDialog, Facts } from '../details.js';
import { Spinner, ErrorNote, Dialog, Form, ConfirmButton, Toolbar, shortId, announce } from '../ui.js';

const V3 = '/identity/v3';
const FEED = ['identity.'];
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

const yesNo = (b) => (b === false ? html`<span class="tag off">disabled</span>` : html`<span class="tag on">enabled</span>`);

/**
 * A list of one Keystone collection with create, edit and delete.
 * kind: {collection, member, title, columns, createFields(lookups), create(values), editFields(row, lookups), update(values)}
 */
function Collection({ api, kind, lookups, me, selected, onSelect }) {
  const list = useLiveData(async () => (await api.get(`${V3}/${kind.collection}`))[kind.collection],
    [kind.collection], FEED);
  const [dialog, setDialog] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [made, setMade] = useState(null); // the one just created: the table turns to its page
  const close = () => setDialog(null);
  const rows = list.data && [...list.data].sort((a, b) => a.name.localeCompare(b.name));
  const columns = [
    ...kind.columns(lookups),
    {
      title: '', className: 'row-actions', render: (row) => html`
        ${kind.editFields && html`<button class="link" onClick=${() => setDialog({ edit: row })}>Edit</button>`}
        ${kind.protects && kind.protects(row, me) ? html`<span class="muted why" title=${kind.protects(row, me)}>${kind.protects(row, me)}</span>`
          : html`<${ConfirmButton} label="Delete" question=${`Delete ${row.name}?`} onError=${setActionError}
          onConfirm=${async () => { await removeOne(row); announce(`${cap(kind.member)} ${row.name} deleted.`); list.reload(); }} />`}`,
    },
  ];
  const removeOne = (row) => api.del(`${V3}/${kind.collection}/${row.id}`);
  // the same check as the row's Delete: not what the kind protects (one's own user)
  const bulk = kind.bulk && {
    noun: { one: kind.member, many: kind.collection }, name: (row) => row.name, onDone: list.reload,
    actions: [{ label: 'Delete', done: 'deleted', danger: true, applies: (row) => !(kind.protects && kind.protects(row, me)), run: removeOne }],
  };
  const submit = (fn, done) => async (values) => {
    if (values.name !== undefined && !String(values.name).trim()) throw new Error('The name cannot be blank.');
    const result = await fn(values);
    if (result && result.id) setMade(result.id);
    announce(done(values));
    close();
    list.reload();
  };
  // a kind with details opens them from its name, and the URL names the open one
  const shown = kind.details ? columns.map((c, i) => (i === 0 ? { ...c, render: (row) => html`<button class="link details-link"
    data-id=${row.id} onClick=${() => onSelect(row.id)}>${c.render(row)}</button>` } : c)) : columns;
  return html`<div class=${`collection ${kind.collection}`}>
    <${Toolbar}>
      <button onClick=${() => setDialog({ create: true })}>Create ${kind.member}</button>
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!rows && list.loading ? html`<${Spinner} />` : html`<${DataTable} columns=${shown} rows=${rows} bulk=${bulk} reveal=${made} search=${`Search ${kind.collection}`} />`}
    ${kind.details && selected && !dialog && html`<${DetailsDialog} key=${selected} what=${kind.member} id=${selected} feed=${FEED}
        title=${(row) => row.name} onClose=${() => onSelect(null)}
        load=${async () => (await api.get(`${V3}/${kind.collection}/${encodeURIComponent(selected)}`))[kind.member]}>
      ${(row) => html`<${Facts} rows=${kind.details(row, lookups)} />
        ${kind.editFields && html`<div class="actions"><button type="button" onClick=${() => { onSelect(null); setDialog({ edit: row }); }}>Edit</button></div>`}`}
    <//>`}
    ${dialog && dialog.create && html`<${Dialog} title=${`Create ${kind.member}`} onClose=${close}>
      <${Form} fields=${kind.createFields(lookups)} submitLabel="Create" onCancel=${close}
        onSubmit=${submit(async (v) => {
          const made = (await api.post(`${V3}/${kind.collection}`, { [kind.member]: kind.toBody(v) }))[kind.member];
          if (kind.afterCreate) await kind.afterCreate(api, made, v);
          return made;
        }, (v) => `${cap(kind.member)} ${v.name} created.`)} />
    <//>`}
    ${dialog && dialog.edit && html`<${Dialog} title=${`Edit ${dialog.edit.name}`} onClose=${close}>
      <${Form} fields=${kind.editFields(dialog.edit, lookups, me)} submitLabel="Save" onCancel=${close}
        onSubmit=${submit((v) => api.patch(`${V3}/${kind.collection}/${dialog.edit.id}`, { [kind.member]: kind.toPatch(v) }),
          () => `${cap(kind.member)} ${dialog.edit.name} saved.`)} />
    <//>`}
  </div>`;
}

const projects = {
  collection: 'projects', member: 'project',
  columns: () => [
    { title: 'Name', sort: (p) => p.name, render: (p) => html`<strong>${p.name}</strong>` },
    { title: 'ID', render: (p) => shortId(p.id) },
    { title: 'Description', render: (p) => p.description || '' },
    { title: 'Status', render: (p) => yesNo(p.enabled) },
  ],
  createFields: () => [
    { name: 'name', label: 'Name', required: true },
    { name: 'description', label: 'Description' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox', value: true },
  ],
  toBody: (v) => ({ name: v.name, description: v.description, enabled: v.enabled }),
  editFields: (p) => [
    { name: 'name', label: 'Name', required: true, value: p.name },
    { name: 'description', label: 'Description', value: p.description || '' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox', value: p.enabled !== false },
  ],
  toPatch: (v) => ({ name: v.name, description: v.description, enabled: v.enabled }),
  protects: (p, me) => (p.id === me.projectId ? 'current project' : null),
};

const projectOptions = (lookups) => (lookups.projects || []).map((p) => ({ value: p.id, label: p.name }));
const roleOptions = (lookups) => (lookups.roles || []).map((r) => ({ value: r.id, label: r.name }));

const users = {
  collection: 'users', member: 'user',
  columns: (lookups) => [
    { title: 'Name', sort: (u) => u.name, render: (u) => html`<strong>${u.name}</strong>` },
    { title: 'ID', render: (u) => shortId(u.id) },
    { title: 'Email', render: (u) => u.email || '' },
    { title: 'Default project', render: (u) => lookups.projectName(u.default_project_id) },
    { title: 'Status', render: (u) => yesNo(u.enabled) },
  ],
  createFields: (lookups) => [
    { name: 'name', label: 'Name', required: true },
    { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password' },
    { name: 'email', label: 'Email', type: 'email' },
    { name: 'default_project_id', label: 'Default project', options: projectOptions(lookups) },
    // as Horizon does: without a role on it the default project does not let the user in
    { name: 'role', label: 'Role on the default project', options: roleOptions(lookups),
      value: ((lookups.roles || []).find((r) => r.name === 'member') || {}).id || '' },
    { name: 'enabled', label: 'Enabled', type: 'checkbox', value: true },
  ],
  afterCreate: async (api, user, v) => {
    if (v.default_project_id && v.role) await api.put(`${V3}/projects/${v.default_project_id}/users/${user.id}/roles/${v.role}`);
  },
  // the API refuses these too; the page does not offer them
  protects: (u, me) => (u.id === me.userId ? 'your user' : null),
  bulk: true,
  details: (u, lookups) => [
    ['Name', u.name], ['ID', html`<code>${u.id}</code>`], ['Email', u.email], ['Domain', u.domain_id],
    ['Default project', lookups.projectName(u.default_project_id)], ['Status', u.enabled === false ? 'disabled' : 'enabled'],
    ['Password expires', u.password_expires_at],
  ],
  toBody: (v) => {
    const body = { name: v.name, password: v.password, enabled: v.enabled };
    if (v.email) body.email = v.email;
    if (v.default_project_id) body.default_project_id = v.default_project_id;
    return body;
  },
  editFields: (u, lookups, me) => [
    { name: 'email', label: 'Email', type: 'email', value: u.email || '' },
    { name: 'default_project_id', label: 'Default project', options: projectOptions(lookups), value: u.default_project_id || '' },
    { name: 'password', label: 'New password (leave empty to keep)', type: 'password', autocomplete: 'new-password' },
    // one's own user is not disabled from here (it would lock this session out)
    ...(u.id === me.userId ? [] : [{ name: 'enabled', label: 'Enabled', type: 'checkbox', value: u.enabled !== false }]),
  ],
  toPatch: (v) => {
    const body = { email: v.email || null, default_project_id: v.default_project_id || null };
    if (v.enabled !== undefined) body.enabled = v.enabled;
    if (v.password) body.password = v.password;
    return body;
  },
};

const roles = {
  collection: 'roles', member: 'role',
  columns: () => [
    { title: 'Name', sort: (r) => r.name, render: (r) => html`<strong>${r.name}</strong>` },
    { title: 'ID', render: (r) => shortId(r.id) },
    { title: 'Description', render: (r) => r.description || '' },
  ],
  createFields: () => [
    { name: 'name', label: 'Name', required: true },
    { name: 'description', label: 'Description' },
  ],
  toBody: (v) => ({ name: v.name, description: v.description || undefined }),
};

function Assignments({ api, lookups }) {
  const list = useLiveData(async () => (await api.get(`${V3}/role_assignments?include_names=true`)).role_assignments,
    [], FEED);
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState(null);
  const path = (a) => `${V3}/projects/${a.project}/users/${a.user}/roles/${a.role}`;
  const rows = (list.data || []).filter((a) => a.user && a.scope && a.scope.project).map((a) => ({
    id: `${a.scope.project.id}/${a.user.id}/${a.role.id}`,
    project: a.scope.project.id, user: a.user.id, role: a.role.id,
    projectName: a.scope.project.name || lookups.projectName(a.scope.project.id),
    userName: a.user.name || a.user.id, roleName: a.role.name || a.role.id,
  })).sort((a, b) => (a.projectName + a.userName).localeCompare(b.projectName + b.userName));
  const columns = [
    { title: 'Project', render: (a) => a.projectName },
    { title: 'User', render: (a) => a.userName },
    { title: 'Role', render: (a) => html`<span class="tag">${a.roleName}</span>` },
    { title: '', className: 'row-actions', render: (a) => html`<${ConfirmButton} label="Remove" question="Remove?"
        onError=${setActionError} onConfirm=${async () => { await api.del(path(a)); list.reload(); }} />` },
  ];
  return html`<div class="collection role-assignments">
    <${Toolbar}>
      <button onClick=${() => setAdding(true)}>Assign role</button>
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!list.data && list.loading ? html`<${Spinner} />` : html`<${DataTable} columns=${columns} rows=${rows} />`}
    ${adding && html`<${Dialog} title="Assign a role on a project" onClose=${() => setAdding(false)}>
      <${Form} submitLabel="Assign" onCancel=${() => setAdding(false)} fields=${[
        { name: 'project', label: 'Project', required: true, options: projectOptions(lookups) },
        { name: 'user', label: 'User', required: true, options: (lookups.users || []).map((u) => ({ value: u.id, label: u.name })) },
        { name: 'role', label: 'Role', required: true, options: (lookups.roles || []).map((r) => ({ value: r.id, label: r.name })) },
      ]} onSubmit=${async (v) => { await api.put(path(v)); setAdding(false); list.reload(); }} />
    <//>`}
  </div>`;
}

const TABS = [
  { id: 'projects', title: 'Projects', render: (p) => html`<${Collection} key="projects" ...${p} kind=${projects} />` },
  { id: 'users', title: 'Users', render: (p) => html`<${Collection} key="users" ...${p} kind=${users} />` },
  { id: 'roles', title: 'Roles', render: (p) => html`<${Collection} key="roles" ...${p} kind=${roles} />` },
  { id: 'assignments', title: 'Role assignments', render: (p) => html`<${Assignments} ...${p} />` },
];

function Identity({ api, session }) {
  const me = { userId: session.scoped.user.id, projectId: session.scoped.project.id };
  const [route, go] = useRoute('identity');
  const tab = TABS.some((t) => t.id === route[0]) ? route[0] : 'projects';
  const setTab = (t) => go([t]);
  // Names for the selects and for ids shown in lists; kept fresh by the feed like the lists.
  const lookups = useLiveData(async () => {
    const [p, u, r] = await Promise.all([api.get(`${V3}/projects`), api.get(`${V3}/users`), api.get(`${V3}/roles`)]);
    return { projects: p.projects, users: u.users, roles: r.roles };
  }, [], FEED);
  const data = lookups.data || {};
  const byId = Object.fromEntries((data.projects || []).map((p) => [p.id, p.name]));
  const all = { ...data, projectName: (id) => (id ? byId[id] || id : '') };
  const current = TABS.find((t) => t.id === tab);
  return html`<section>
    <h1>Identity</h1>
    <nav class="tabs" role="tablist">
      ${TABS.map((t) => html`<button role="tab" data-tab=${t.id} aria-selected=${t.id === tab}
        class=${t.id === tab ? 'active' : ''} onClick=${() => setTab(t.id)}>${t.title}</button>`)}
    </nav>
    ${current.render({ api, lookups: all, me, selected: route[1] || null, onSelect: (id) => go([tab, id]) })}
  </section>`;
}

export default { id: 'identity', title: 'Identity', adminOnly: true, component: Identity };
