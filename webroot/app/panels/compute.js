// Compute: the Nova v2.1 API as the openstack CLI uses it. Instances with their live status (the
// list reloads on every compute.server event of the feed), a launch dialog, start/stop/reboot,
// snapshot (createImage), delete, the console log and the interactive serial console; flavors
// and key pairs. Readers see everything and change nothing.
import { html, useState } from '../lib.js';
import { DataTable } from '../table.js';
import { useLiveData } from '../hooks.js';
import { Spinner, ErrorNote, Dialog, Form, ConfirmButton, Toolbar, Notice, shortId, announce } from '../ui.js';
import { servicePath, formatDate } from '../transfer.js';
import { SerialConsole } from '../console.js';
import { useRoute } from '../route.js';
import { DetailsDialog, Facts } from '../details.js';

const FEED = ['compute.'];
/** The microversion the panel speaks: 2.37+ for networks "none", 2.47+ for the flavor inside a server. */
const MICROVERSION = { 'OpenStack-API-Version': 'compute 2.79' };

export const computePath = (session) => servicePath(session, 'compute', '/compute/v2.1');

/** A Nova call at the panel's microversion; answers the body. */
function nova(api, method, path, body) {
  return api.request(method, path, { body, headers: MICROVERSION }).then((r) => r.data);
}

/** What each status lets the owner do, as Nova's state machine allows it. */
const ACTIONS = {
  ACTIVE: ['stop', 'reboot', 'snapshot', 'log', 'console'],
  SHUTOFF: ['start', 'snapshot', 'log'],
  PAUSED: ['log'],
  SUSPENDED: ['log'],
  ERROR: [],
  BUILD: [],
};

const STATUS_WORDS = { ACTIVE: 'running', SHUTOFF: 'stopped', BUILD: 'building', ERROR: 'failed' };

function StatusTag({ server }) {
  const task = server['OS-EXT-STS:task_state'];
  return html`<span class=${`tag server-status status-${server.status.toLowerCase()}`} title=${STATUS_WORDS[server.status] || ''}>${server.status}</span>
    ${task && html` <span class="muted task">${task}</span>`}`;
}

// ---- launch ------------------------------------------------------------------------------

function LaunchDialog({ api, base, session, onClose }) {
  const imageBase = servicePath(session, 'image', '/image');
  const choices = useLiveData(async () => {
    const [images, flavors, keys] = await Promise.all([
      api.get(`${imageBase}/v2/images?status=active&limit=1000&sort=name:asc`),
      nova(api, 'GET', `${base}/flavors/detail`),
      nova(api, 'GET', `${base}/os-keypairs`),
    ]);
    return { images: images.images, flavors: flavors.flavors, keys: keys.keypairs.map((k) => k.keypair) };
  }, [], []);
  const [v, setV] = useState({ name: '', image: '', flavor: '', network: 'none', key: '', count: '1' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setV({ ...v, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    if (!v.name.trim()) return setError('The name cannot be blank.');
    const count = Number(v.count);
    if (!Number.isInteger(count) || count < 1) return setError('The count must be a whole number of at least 1.');
    const server = { name: v.name.trim(), imageRef: v.image, flavorRef: v.flavor, networks: v.network, min_count: count, max_count: count };
    if (v.key) server.key_name = v.key;
    setBusy(true);
    setError(null);
    try {
      await nova(api, 'POST', `${base}/servers`, { server });
      announce(count === 1 ? `Server ${server.name} is being launched.` : `${count} servers ${server.name} are being launched.`);
      onClose();
    } catch (err) {
      setError(api.explain(err, 'launch servers'));
      setBusy(false);
    }
  };
  const c = choices.data;
  return html`<${Dialog} title="Launch servers" onClose=${onClose} wide=${true}>
    ${!c ? html`<${Spinner} /><${ErrorNote} error=${choices.error} />` : html`<form class="form launch" onSubmit=${submit}>
      <label><span>Name</span><input name="name" required value=${v.name} onInput=${set('name')} /></label>
      <label><span>Image</span><select name="image" required value=${v.image} onChange=${set('image')}>
        <option value="">—</option>
        ${c.images.map((i) => html`<option value=${i.id}>${i.name || i.id}</option>`)}
      </select></label>
      <label><span>Flavor</span><select name="flavor" required value=${v.flavor} onChange=${set('flavor')}>
        <option value="">—</option>
        ${c.flavors.map((f) => html`<option value=${f.id}>${f.name} (${f.vcpus} vCPU, ${f.ram} MiB RAM, ${f.disk} GiB disk)</option>`)}
      </select></label>
      <fieldset class="choice"><legend>Network</legend>
        <label class="check"><input type="radio" name="network" value="none" checked=${v.network === 'none'} onChange=${set('network')} /><span>None</span></label>
        <label class="check"><input type="radio" name="network" value="auto" disabled /><span>Automatic</span></label>
        <p class="field-hint" id="network-note">This cloud has no network service yet: servers start without a network interface.</p>
      </fieldset>
      <label><span>Key pair <span class="field-hint">optional; put in the guest's config drive</span></span>
        <select name="key" value=${v.key} onChange=${set('key')}>
          <option value="">(none)</option>
          ${c.keys.map((k) => html`<option value=${k.name}>${k.name}</option>`)}
        </select></label>
      <label><span>Count</span><input name="count" type="number" min="1" max="100" required value=${v.count} onInput=${set('count')} /></label>
      <${ErrorNote} error=${error} />
      <div class="actions">
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
        <button type="submit" disabled=${busy}>${busy ? 'Launching…' : 'Launch'}</button>
      </div>
    </form>`}
  <//>`;
}

// ---- console log, snapshot ----------------------------------------------------------------

function ConsoleLog({ api, base, server, onClose }) {
  const log = useLiveData(async () => (await nova(api, 'POST', `${base}/servers/${server.id}/action`,
    { 'os-getConsoleOutput': { length: 500 } })).output, [server.id], []);
  return html`<${Dialog} title=${`Console log of ${server.name}`} onClose=${onClose} wide=${true}>
    <${Toolbar}><button class="secondary small" onClick=${log.reload}>Refresh</button>
      ${log.loading && html`<${Spinner} label="Reading…" />`}<//>
    <${ErrorNote} error=${log.error} />
    ${log.data !== null && html`<pre class="console-log" tabindex="0" aria-label="Console log">${log.data || '(the console has printed nothing yet)'}</pre>`}
  <//>`;
}

function SnapshotDialog({ api, base, server, onClose }) {
  return html`<${Dialog} title=${`Snapshot of ${server.name}`} onClose=${onClose}>
    <${Form} fields=${[{ name: 'name', label: 'Image name', required: true, value: `${server.name}-snapshot` }]}
      submitLabel="Create snapshot" onCancel=${onClose}
      onSubmit=${async (values) => {
        if (!values.name.trim()) throw new Error('The name cannot be blank.');
        await nova(api, 'POST', `${base}/servers/${server.id}/action`, { createImage: { name: values.name.trim() } });
        announce(`Snapshot ${values.name.trim()} is being made: it appears under Images.`);
        onClose();
      }} />
  <//>`;
}

// ---- instances ----------------------------------------------------------------------------

function ServerDetails({ api, base, id, onClose }) {
  return html`<${DetailsDialog} what="server" id=${id} feed=${FEED} onClose=${onClose} title=${(s) => s.name}
      load=${async () => (await nova(api, 'GET', `${base}/servers/${encodeURIComponent(id)}`)).server}>
    ${(s) => html`<${Facts} rows=${[
      ['ID', html`<code>${s.id}</code>`], ['Status', html`<${StatusTag} server=${s} />`],
      ['Power', STATUS_WORDS[s.status]], ['Flavor', s.flavor && `${s.flavor.original_name} (${s.flavor.vcpus} vCPU, ${s.flavor.ram} MiB RAM, ${s.flavor.disk} GiB disk)`],
      ['Image', s.image && s.image.id && html`<a href=${`#images/${encodeURIComponent(s.image.id)}`}>${s.image.id}</a>`],
      ['Key pair', s.key_name], ['Host', s['OS-EXT-SRV-ATTR:host']], ['Created', formatDate(s.created)], ['Updated', formatDate(s.updated)],
      ['Fault', s.fault && s.fault.message],
      ...Object.entries(s.metadata || {}).map(([k, v]) => [`Metadata ${k}`, v]),
    ]} />`}
  <//>`;
}

function Instances({ api, base, session, access, selected, onSelect }) {
  const { write } = access;
  const list = useLiveData(async () => (await nova(api, 'GET', `${base}/servers/detail?limit=1000`)).servers, [base], FEED,
    { project: access.project.id });
  const [dialog, setDialog] = useState(null);
  const [actionError, setActionError] = useState(null);
  const act = async (server, body, said) => {
    setActionError(null);
    try {
      await nova(api, 'POST', `${base}/servers/${server.id}/action`, body);
      announce(said);
    } catch (err) {
      setActionError(err);
    }
  };
  const may = (s, what) => write && (ACTIONS[s.status] || []).includes(what) && !s['OS-EXT-STS:task_state'];
  const action = (s, body) => nova(api, 'POST', `${base}/servers/${s.id}/action`, body);
  const removeOne = (s) => nova(api, 'DELETE', `${base}/servers/${s.id}`);
  // the same checks as the row's buttons: writers; stop and start where the status allows them
  const bulk = write && {
    noun: { one: 'server', many: 'servers' }, name: (s) => s.name, onDone: list.reload,
    actions: [
      { label: 'Stop', done: 'asked to stop', applies: (s) => may(s, 'stop'), run: (s) => action(s, { 'os-stop': null }) },
      { label: 'Start', done: 'asked to start', applies: (s) => may(s, 'start'), run: (s) => action(s, { 'os-start': null }) },
      { label: 'Delete', done: 'deleted', danger: true, applies: () => true, run: removeOne },
    ],
  };
  const columns = [
    { title: 'Name', sort: (s) => s.name, render: (s) => html`<button class="link details-link" data-id=${s.id} onClick=${() => onSelect(s.id)}><strong>${s.name}</strong></button> ${shortId(s.id)}` },
    { title: 'Status', className: 'nowrap', sort: (s) => s.status, render: (s) => html`<${StatusTag} server=${s} />` },
    { title: 'Flavor', className: 'nowrap', sort: (s) => (s.flavor && s.flavor.original_name) || '', render: (s) => (s.flavor && s.flavor.original_name) || '' },
    { title: 'Key pair', className: 'nowrap', render: (s) => s.key_name || html`<span class="muted">none</span>` },
    { title: 'Created', className: 'nowrap', sort: (s) => s.created, render: (s) => formatDate(s.created) },
    {
      title: '', className: 'row-actions', render: (s) => html`
        ${may(s, 'start') && html`<button class="link" onClick=${() => act(s, { 'os-start': null }, `Server ${s.name} is starting.`)}>Start</button>`}
        ${may(s, 'stop') && html`<button class="link" onClick=${() => act(s, { 'os-stop': null }, `Server ${s.name} is stopping.`)}>Stop</button>`}
        ${may(s, 'reboot') && html`<button class="link" onClick=${() => act(s, { reboot: { type: 'SOFT' } }, `Server ${s.name} is rebooting.`)}>Reboot</button>`}
        ${may(s, 'snapshot') && html`<button class="link" onClick=${() => setDialog({ snapshot: s })}>Snapshot</button>`}
        ${may(s, 'log') && html`<button class="link" onClick=${() => setDialog({ log: s })}>Log</button>`}
        ${may(s, 'console') && html`<button class="link" onClick=${() => setDialog({ console: s })}>Console</button>`}
        ${write && html`<${ConfirmButton} label="Delete" question=${`Delete ${s.name}?`} onError=${setActionError}
          onConfirm=${async () => { await removeOne(s); announce(`Server ${s.name} is being deleted.`); }} />`}`,
    },
  ];
  const rows = list.data && [...list.data].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const close = () => setDialog(null);
  return html`<div class="collection servers">
    <${Toolbar}>
      ${write && html`<button id="launch" onClick=${() => setDialog({ launch: true })}>Launch servers</button>`}
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!rows && list.loading ? html`<${Spinner} />` : html`<${DataTable} columns=${columns} rows=${rows} bulk=${bulk} search="Search servers"
      empty=${write ? 'No servers yet: launch one.' : 'No servers in this project.'} />`}
    ${selected && !dialog && html`<${ServerDetails} key=${selected} api=${api} base=${base} id=${selected} onClose=${() => onSelect(null)} />`}
    ${dialog && dialog.launch && html`<${LaunchDialog} api=${api} base=${base} session=${session} onClose=${close} />`}
    ${dialog && dialog.log && html`<${ConsoleLog} api=${api} base=${base} server=${dialog.log} onClose=${close} />`}
    ${dialog && dialog.snapshot && html`<${SnapshotDialog} api=${api} base=${base} server=${dialog.snapshot} onClose=${close} />`}
    ${dialog && dialog.console && html`<${SerialConsole} api=${api} base=${base} server=${dialog.console} onClose=${close} />`}
  </div>`;
}

// ---- flavors ------------------------------------------------------------------------------

function Flavors({ api, base, access }) {
  const { admin } = access;
  const list = useLiveData(async () => (await nova(api, 'GET', `${base}/flavors/detail${admin ? '?is_public=None' : ''}`)).flavors,
    [base], FEED);
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState(null);
  const columns = [
    { title: 'Name', render: (f) => html`<strong>${f.name}</strong>` },
    { title: 'vCPUs', className: 'nowrap', render: (f) => f.vcpus },
    { title: 'RAM', className: 'nowrap', render: (f) => `${f.ram} MiB` },
    { title: 'Disk', className: 'nowrap', render: (f) => `${f.disk} GiB` },
    { title: 'Public', className: 'nowrap', render: (f) => (f['os-flavor-access:is_public'] === false ? 'no' : 'yes') },
    {
      title: '', className: 'row-actions', render: (f) => admin && html`<${ConfirmButton} label="Delete" question=${`Delete flavor ${f.name}?`}
        onError=${setActionError} onConfirm=${async () => { await nova(api, 'DELETE', `${base}/flavors/${f.id}`); announce(`Flavor ${f.name} deleted.`); list.reload(); }} />`,
    },
  ];
  const create = async (v) => {
    if (!v.name.trim()) throw new Error('The name cannot be blank.');
    const flavor = { name: v.name.trim(), vcpus: Number(v.vcpus), ram: Number(v.ram), disk: Number(v.disk),
      'os-flavor-access:is_public': v.public };
    await nova(api, 'POST', `${base}/flavors`, { flavor });
    announce(`Flavor ${flavor.name} created.`);
    setCreating(false);
    list.reload();
  };
  return html`<div class="collection flavors">
    <${Toolbar}>
      ${admin && html`<button onClick=${() => setCreating(true)}>Create flavor</button>`}
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    <${DataTable} columns=${columns} rows=${list.data} empty="No flavors." />
    ${creating && html`<${Dialog} title="Create flavor" onClose=${() => setCreating(false)}>
      <${Form} submitLabel="Create" onCancel=${() => setCreating(false)} onSubmit=${create} fields=${[
        { name: 'name', label: 'Name', required: true },
        { name: 'vcpus', label: 'vCPUs', type: 'number', required: true, value: '1' },
        { name: 'ram', label: 'RAM (MiB)', type: 'number', required: true, value: '512' },
        { name: 'disk', label: 'Root disk (GiB)', type: 'number', required: true, value: '1' },
        { name: 'public', label: 'Public (every project may use it)', type: 'checkbox', value: true },
      ]} />
    <//>`}
  </div>`;
}

// ---- key pairs ----------------------------------------------------------------------------

function KeyPairs({ api, base, access }) {
  const { write } = access;
  const list = useLiveData(async () => (await nova(api, 'GET', `${base}/os-keypairs`)).keypairs.map((k) => k.keypair), [base], FEED);
  const [dialog, setDialog] = useState(null);
  const [actionError, setActionError] = useState(null);
  const close = () => setDialog(null);
  const columns = [
    { title: 'Name', render: (k) => html`<strong>${k.name}</strong>` },
    { title: 'Type', className: 'nowrap', render: (k) => k.type || 'ssh' },
    { title: 'Fingerprint', render: (k) => html`<code>${k.fingerprint}</code>` },
    {
      title: '', className: 'row-actions', render: (k) => write && html`<${ConfirmButton} label="Delete" question=${`Delete key pair ${k.name}?`}
        onError=${setActionError} onConfirm=${async () => { await nova(api, 'DELETE', `${base}/os-keypairs/${encodeURIComponent(k.name)}`); announce(`Key pair ${k.name} deleted.`); list.reload(); }} />`,
    },
  ];
  const save = async (v, withKey) => {
    if (!v.name.trim()) throw new Error('The name cannot be blank.');
    const keypair = { name: v.name.trim() };
    if (withKey) keypair.public_key = v.public_key;
    const made = (await nova(api, 'POST', `${base}/os-keypairs`, { keypair })).keypair;
    announce(`Key pair ${keypair.name} ${withKey ? 'imported' : 'created'}.`);
    list.reload();
    if (made.private_key) setDialog({ privateKey: made });
    else close();
  };
  return html`<div class="collection keypairs">
    <${Toolbar}>
      ${write && html`<button onClick=${() => setDialog({ create: true })}>Create key pair</button>
        <button class="secondary" onClick=${() => setDialog({ import: true })}>Import public key</button>`}
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    <${DataTable} columns=${columns} rows=${list.data && list.data.map((k) => ({ ...k, id: k.name }))} empty="No key pairs yet." />
    ${dialog && dialog.create && html`<${Dialog} title="Create key pair" onClose=${close}>
      <${Form} submitLabel="Create" onCancel=${close} onSubmit=${(v) => save(v, false)}
        fields=${[{ name: 'name', label: 'Name', required: true }]} />
    <//>`}
    ${dialog && dialog.import && html`<${Dialog} title="Import public key" onClose=${close}>
      <${Form} submitLabel="Import" onCancel=${close} onSubmit=${(v) => save(v, true)}
        fields=${[{ name: 'name', label: 'Name', required: true }, { name: 'public_key', label: 'Public key (OpenSSH)', required: true }]} />
    <//>`}
    ${dialog && dialog.privateKey && html`<${Dialog} title=${`Private key of ${dialog.privateKey.name}`} onClose=${close} wide=${true}>
      <${Notice}>Save this private key now: the cloud does not keep it and cannot show it again.<//>
      <textarea class="private-key" readonly rows="12" aria-label="Private key">${dialog.privateKey.private_key}</textarea>
      <div class="actions"><button onClick=${close}>I have saved it</button></div>
    <//>`}
  </div>`;
}

// ---- the panel ----------------------------------------------------------------------------

const TABS = [
  { id: 'servers', title: 'Instances', component: Instances },
  { id: 'flavors', title: 'Flavors', component: Flavors },
  { id: 'keypairs', title: 'Key pairs', component: KeyPairs },
];

function Compute({ session, api, access }) {
  const base = computePath(session);
  const [route, go] = useRoute('compute');
  const tab = TABS.some((t) => t.id === route[0]) ? route[0] : 'servers';
  const setTab = (t) => go([t]);
  const Current = TABS.find((t) => t.id === tab).component;
  return html`<section>
    <h1>Compute</h1>
    <nav class="tabs" role="tablist">
      ${TABS.map((t) => html`<button role="tab" data-tab=${t.id} aria-selected=${t.id === tab}
        class=${t.id === tab ? 'active' : ''} onClick=${() => setTab(t.id)}>${t.title}</button>`)}
    </nav>
    <${Current} key=${tab} api=${api} base=${base} session=${session} access=${access}
      selected=${route[1] || null} onSelect=${(id) => go([tab, id])} />
  </section>`;
}

/** Usage for the Overview bars, from Nova's absolute limits (instances, cores, RAM). */
async function usage(api, session) {
  const a = (await nova(api, 'GET', `${computePath(session)}/limits`)).limits.absolute;
  return [
    { service_type: 'compute', resource_name: 'instances', used: a.totalInstancesUsed },
    { service_type: 'compute', resource_name: 'cores', used: a.totalCoresUsed },
    { service_type: 'compute', resource_name: 'ram', used: a.totalRAMUsed },
  ];
}

export default { id: 'compute', title: 'Compute', adminOnly: false, component: Compute, usage };
