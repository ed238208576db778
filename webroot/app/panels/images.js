// Images: the Glance v2 API as the openstack CLI uses it. A list with filters, upload of a file
// (the disk format read from its first bytes) with progress and cancel, properties edited with
// JSON Patch, visibility, members (sharing between projects) and delete. Follows the live feed.
import { html, useState } from '../lib.js';
import { DataTable } from '../table.js';
import { useLiveData } from '../hooks.js';
import { useRoute } from '../route.js';
import { DetailsDialog, Facts } from '../details.js';
import { Spinner, ErrorNote, Dialog, ConfirmButton, Toolbar, Notice, UploadList, KeyValueEditor, shortId, announce } from '../ui.js';
import { servicePath, formatBytes, formatDate, sendWithProgress, startUpload, useUploads } from '../transfer.js';

const FEED = ['image.'];
const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';
const DISK_FORMATS = ['raw', 'qcow2', 'iso', 'vmdk', 'vhd', 'vhdx', 'vdi', 'ploop', 'ami', 'ari', 'aki'];
const STATUSES = ['queued', 'saving', 'uploading', 'importing', 'active', 'killed', 'deactivated'];
/** What Glance keeps itself or shows in its own columns: everything else is a free-form property. */
const CORE = new Set(['id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'checksum', 'os_hash_algo',
  'os_hash_value', 'size', 'virtual_size', 'disk_format', 'container_format', 'min_disk', 'min_ram', 'owner',
  'created_at', 'updated_at', 'tags', 'self', 'file', 'schema', 'direct_url', 'locations', 'stores']);

const imagePath = (session) => servicePath(session, 'image', '/image');

// ---- the disk format from the file's first bytes ------------------------------------------

function ascii(bytes, at, n) {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

/** qcow2 ("QFI\xfb"), VMDK, VHDX, VHD, VDI and ISO 9660 (CD001 at 32769) by their magic; else raw. */
export async function detectDiskFormat(file) {
  const b = new Uint8Array(await file.slice(0, 32774).arrayBuffer());
  if (b.length >= 4 && b[0] === 0x51 && b[1] === 0x46 && b[2] === 0x49 && b[3] === 0xfb) return 'qcow2';
  if (ascii(b, 0, 4) === 'KDMV') return 'vmdk';
  if (ascii(b, 0, 8) === 'vhdxfile') return 'vhdx';
  if (ascii(b, 0, 8) === 'conectix') return 'vhd';
  if (b.length >= 68 && b[64] === 0x7f && b[65] === 0x10 && b[66] === 0xda && b[67] === 0xbe) return 'vdi';
  if (ascii(b, 32769, 5) === 'CD001') return 'iso';
  return 'raw';
}

// ---- upload -------------------------------------------------------------------------------

/** Creates the image, then sends the file; if that is cancelled or fails, the image goes again. */
async function uploadImage(api, base, fields, file, task) {
  const image = await api.post(`${base}/v2/images`, fields);
  const x = sendWithProgress({
    method: 'PUT', url: `${base}/v2/images/${image.id}/file`, token: api.token, body: file,
    headers: { 'Content-Type': 'application/octet-stream' },
    onProgress: (done) => task.progress(done),
  });
  task.onCancel(x.abort);
  try {
    await x.promise;
  } catch (e) {
    if (e.status === 401 && api.onUnauthorized) api.onUnauthorized(e);
    else await api.del(`${base}/v2/images/${image.id}`).catch(() => null);
    throw e;
  }
}

function UploadDialog({ api, base, admin, onClose }) {
  const [file, setFile] = useState(null);
  const [v, setV] = useState({ name: '', disk_format: '', visibility: 'private', min_disk: '', min_ram: '', protected: false });
  const [error, setError] = useState(null);
  // an image every project sees or may use is asked once more
  const [asked, setAsked] = useState(false);
  const widening = ['public', 'community'].includes(v.visibility);
  const set = (k) => (e) => { setAsked(false); setV({ ...v, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }); };
  const pick = async (e) => {
    const f = e.target.files[0] || null;
    setFile(f);
    if (!f) return;
    const format = await detectDiskFormat(f);
    setV((old) => ({ ...old, name: old.name || f.name.replace(/\.(qcow2|img|iso|raw|vmdk|vhdx?|vdi)$/i, ''), disk_format: format }));
  };
  const submit = (e) => {
    e.preventDefault();
    if (!file) return setError('Choose a file.');
    if (!v.name.trim()) return setError('The name cannot be blank.');
    if (widening && !asked) return setAsked(true);
    const fields = { name: v.name.trim(), disk_format: v.disk_format || 'raw', container_format: 'bare', visibility: v.visibility };
    if (v.protected) fields.protected = true;
    if (v.min_disk !== '') fields.min_disk = Number(v.min_disk);
    if (v.min_ram !== '') fields.min_ram = Number(v.min_ram);
    startUpload('image', v.name.trim(), null, file.size, (task) => uploadImage(api, base, fields, file, task)
      .catch((err) => { throw api.explain(err, 'upload an image'); }));
    onClose();
  };
  return html`<${Dialog} title="Upload an image" onClose=${onClose}>
    <form class="form image-upload" onSubmit=${submit}>
      <label><span>File</span><input type="file" name="file" required onChange=${pick} /></label>
      <label><span>Name</span><input name="name" required value=${v.name} onInput=${set('name')} /></label>
      <label><span>Disk format <span class="field-hint">read from the file's first bytes</span></span>
        <select name="disk_format" value=${v.disk_format} onChange=${set('disk_format')}>
          <option value="">—</option>${DISK_FORMATS.map((d) => html`<option value=${d}>${d}</option>`)}
        </select></label>
      <label><span>Visibility</span>
        <select name="visibility" value=${v.visibility} onChange=${set('visibility')}>
          <option value="private">private (this project)</option>
          <option value="shared">shared (with chosen projects)</option>
          <option value="community">community (every project may use it)</option>
          ${admin && html`<option value="public">public (listed for everyone)</option>`}
        </select></label>
      <label><span>Minimum disk (GiB)</span><input name="min_disk" type="number" min="0" value=${v.min_disk} onInput=${set('min_disk')} /></label>
      <label><span>Minimum RAM (MiB)</span><input name="min_ram" type="number" min="0" value=${v.min_ram} onInput=${set('min_ram')} /></label>
      <label class="check"><span>Protected (cannot be deleted)</span><input type="checkbox" name="protected" checked=${v.protected} onChange=${set('protected')} /></label>
      <${ErrorNote} error=${error} />
      ${asked && html`<div class="notice confirm-question" role="alert">${v.visibility === 'public'
        ? 'Every project of the cloud will see this image in its list.' : 'Every project of the cloud will be able to use this image.'} Upload anyway?</div>`}
      <div class="actions">
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
        <button type="submit" disabled=${!file || !v.disk_format}>${asked ? `Yes, make it ${v.visibility}` : 'Upload'}</button>
      </div>
    </form>
  <//>`;
}

// ---- edit: JSON Patch of what changed -----------------------------------------------------

const pointer = (key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** The JSON Patch from the image as it was to the edited values. */
export function imagePatch(image, v, props) {
  const ops = [];
  if (v.name !== (image.name || '')) ops.push({ op: 'replace', path: '/name', value: v.name });
  if (v.visibility !== image.visibility) ops.push({ op: 'replace', path: '/visibility', value: v.visibility });
  if (v.protected !== !!image.protected) ops.push({ op: 'replace', path: '/protected', value: v.protected });
  for (const k of ['min_disk', 'min_ram']) {
    const n = Number(v[k] || 0);
    if (n !== (image[k] || 0)) ops.push({ op: 'replace', path: `/${k}`, value: n });
  }
  const before = Object.fromEntries(Object.entries(image).filter(([k]) => !CORE.has(k) && !k.startsWith('os_glance')));
  const after = Object.fromEntries(props.filter((p) => p.key.trim()).map((p) => [p.key.trim(), p.value]));
  for (const k of Object.keys(before)) if (!(k in after)) ops.push({ op: 'remove', path: pointer(k) });
  for (const [k, val] of Object.entries(after)) {
    if (!(k in before)) ops.push({ op: 'add', path: pointer(k), value: val });
    else if (String(before[k]) !== val) ops.push({ op: 'replace', path: pointer(k), value: val });
  }
  return ops;
}

function EditDialog({ api, base, image, admin, onClose }) {
  const [v, setV] = useState({ name: image.name || '', visibility: image.visibility, protected: !!image.protected,
    min_disk: String(image.min_disk || 0), min_ram: String(image.min_ram || 0) });
  const [props, setProps] = useState(Object.entries(image)
    .filter(([k]) => !CORE.has(k) && !k.startsWith('os_glance'))
    .map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }))
    .sort((a, b) => a.key.localeCompare(b.key)));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // widening who sees an image is asked once more
  const widening = ['public', 'community'].includes(v.visibility) && v.visibility !== image.visibility;
  const [asked, setAsked] = useState(false);
  const set = (k) => (e) => { setAsked(false); setV({ ...v, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value }); };
  const save = async (e) => {
    e.preventDefault();
    if (image.name && !v.name.trim()) return setError('The name cannot be blank.');
    const ops = imagePatch(image, v, props);
    if (ops.length === 0) return onClose();
    if (widening && !asked) return setAsked(true);
    setBusy(true);
    setError(null);
    try {
      await api.patch(`${base}/v2/images/${image.id}`, JSON.stringify(ops), { 'Content-Type': PATCH_TYPE });
      announce(`Image ${v.name || image.id} saved.`);
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<${Dialog} title=${`Edit ${image.name || image.id}`} onClose=${onClose} wide=${true}>
    <form class="form image-edit" onSubmit=${save}>
      <label><span>Name</span><input name="name" value=${v.name} onInput=${set('name')} /></label>
      <label><span>Visibility</span>
        <select name="visibility" value=${v.visibility} onChange=${set('visibility')}>
          ${['private', 'shared', 'community'].map((x) => html`<option value=${x}>${x}</option>`)}
          ${(admin || image.visibility === 'public') && html`<option value="public">public</option>`}
        </select></label>
      <label><span>Minimum disk (GiB)</span><input name="min_disk" type="number" min="0" value=${v.min_disk} onInput=${set('min_disk')} /></label>
      <label><span>Minimum RAM (MiB)</span><input name="min_ram" type="number" min="0" value=${v.min_ram} onInput=${set('min_ram')} /></label>
      <label class="check"><span>Protected (cannot be deleted)</span><input type="checkbox" name="protected" checked=${v.protected} onChange=${set('protected')} /></label>
      <${KeyValueEditor} rows=${props} onChange=${setProps} name="prop" keyLabel="Property" addLabel="Add property" />
      <${ErrorNote} error=${error} />
      ${asked && html`<${Notice}>${v.visibility === 'public' ? 'Every project of the cloud will see this image in its list.'
        : 'Every project of the cloud will be able to use this image.'} Save anyway?<//>`}
      <div class="actions">
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
        <button type="submit" disabled=${busy}>${busy ? 'Saving…' : asked ? `Yes, make it ${v.visibility}` : 'Save'}</button>
      </div>
    </form>
  <//>`;
}

// ---- members ------------------------------------------------------------------------------

function MembersDialog({ api, base, image, onClose }) {
  const url = `${base}/v2/images/${image.id}/members`;
  const list = useLiveData(async () => (await api.get(url)).members, [url], FEED);
  // names for the members' IDs, where the caller may list projects (admins); else the IDs
  const names = useLiveData(async () => Object.fromEntries((await api.get('/identity/v3/projects').then((r) => r.projects, () => []))
    .map((p) => [p.id, p.name])), [], []);
  const [project, setProject] = useState('');
  const [error, setError] = useState(null);
  const add = async (e) => {
    e.preventDefault();
    setError(null);
    // Glance takes any string as a member: a name would share with nothing, silently, so a name
    // is turned into its project's ID first (Keystone lets admins and domain readers look it up)
    const asked = project.trim();
    let member = asked;
    if (!/^[0-9a-f-]{32,36}$/i.test(asked)) {
      const found = await api.get(`/identity/v3/projects?name=${encodeURIComponent(asked)}`).then((r) => r.projects, () => null);
      if (!found || found.length !== 1) {
        return setError(found && found.length === 0 ? `There is no project named "${asked}".`
          : `"${asked}" cannot be looked up with your role: give the project's ID (its members find it under Profile).`);
      }
      member = found[0].id;
    }
    try {
      await api.post(url, { member });
      setProject('');
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  const columns = [
    { title: 'Project', render: (m) => (names.data && names.data[m.member_id]
      ? html`<strong>${names.data[m.member_id]}</strong> ${shortId(m.member_id)}` : html`<code>${m.member_id}</code>`) },
    { title: 'Status', className: 'nowrap', render: (m) => html`<span class=${`tag member-${m.status}`}>${m.status}</span>` },
    { title: '', className: 'row-actions', render: (m) => html`<${ConfirmButton} label="Remove" question="Remove?"
        onError=${setError} onConfirm=${async () => { await api.del(`${url}/${m.member_id}`); list.reload(); }} />` },
  ];
  return html`<${Dialog} title=${`Members of ${image.name || image.id}`} onClose=${onClose} wide=${true}>
    ${image.visibility !== 'shared'
      ? html`<${Notice}>Only shared images have members: set the visibility to shared first.<//>`
      : html`<div class="collection members">
        <${DataTable} columns=${columns} rows=${list.data && list.data.map((m) => ({ ...m, id: m.member_id, name: m.member_id }))}
          empty="Not shared with any project yet." />
        <form class="form" onSubmit=${add}>
          <label><span>Add a project <span class="field-hint">its name or ID; the project then accepts or rejects the image</span></span>
            <input name="member" required value=${project} onInput=${(e) => setProject(e.target.value)} /></label>
          <div class="actions"><button type="submit">Add project</button></div>
        </form>
      </div>`}
    <${ErrorNote} error=${error || list.error} />
  <//>`;
}

// ---- details (#images/<id>) ----------------------------------------------------------------

function ImageDetails({ api, base, id, project, mayEdit, onEdit, onClose }) {
  return html`<${DetailsDialog} what="image" id=${id} feed=${FEED} onClose=${onClose} title=${(i) => i.name || i.id}
      load=${() => api.get(`${base}/v2/images/${encodeURIComponent(id)}`)}>
    ${(i) => html`<${Facts} rows=${[
      ['ID', html`<code>${i.id}</code>`], ['Status', i.status], ['Visibility', i.visibility],
      ['Protected', i.protected ? 'yes' : 'no'], ['Disk format', i.disk_format], ['Container format', i.container_format],
      ['Size', i.size == null ? '' : `${formatBytes(i.size)} (${i.size} bytes)`], ['Minimum disk', `${i.min_disk || 0} GiB`],
      ['Minimum RAM', `${i.min_ram || 0} MiB`], ['Owner', i.owner === project ? 'this project' : i.owner],
      ['Checksum', i.os_hash_value && html`<code>${i.os_hash_algo}: ${i.os_hash_value}</code>`],
      ['Created', formatDate(i.created_at)], ['Updated', formatDate(i.updated_at)],
      ...Object.entries(i).filter(([k]) => !CORE.has(k) && !k.startsWith('os_glance'))
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ]} />
    ${mayEdit(i) && html`<div class="actions"><button type="button" onClick=${() => onEdit(i)}>Edit</button></div>`}`}
  <//>`;
}

// ---- the list -----------------------------------------------------------------------------

function Images({ session, api, access }) {
  const base = imagePath(session);
  const project = session.scoped.project.id;
  const { admin, write } = access;
  const [filters, setFilters] = useState({ name: '', status: '', visibility: '' });
  const [dialog, setDialog] = useState(null);
  const [actionError, setActionError] = useState(null);
  // the image whose details are open is in the URL: #images/<id>
  const [route, go] = useRoute('images');
  const uploads = useUploads('image');
  const query = () => {
    const q = new URLSearchParams({ limit: '1000', sort: 'name:asc' });
    if (filters.status) q.set('status', filters.status);
    if (filters.visibility === 'pending') {
      q.set('visibility', 'shared');
      q.set('member_status', 'pending');
    } else if (filters.visibility) q.set('visibility', filters.visibility);
    return q.toString();
  };
  const list = useLiveData(async () => api.get(`${base}/v2/images?${query()}`), [filters.status, filters.visibility], FEED);
  // the name filter matches any part of the name, so it is applied here (Glance's is exact)
  const needle = filters.name.trim().toLowerCase();
  const rows = list.data && list.data.images.filter((i) => !needle || (i.name || '').toLowerCase().includes(needle))
    .map((i) => ({ ...i, name: i.name || '' }));
  const set = (k) => (e) => setFilters({ ...filters, [k]: e.target.value });
  // what this caller may change: its project's images (members and admins), or any (admins)
  const mine = (i) => write && (i.owner === project || admin);
  const answer = async (i, status) => {
    await api.put(`${base}/v2/images/${i.id}/members/${project}`, { status });
    list.reload();
  };
  const removeOne = (i) => api.del(`${base}/v2/images/${i.id}`);
  // the same checks as the row's Delete: the caller's images, and not protected ones
  const bulk = write && {
    noun: { one: 'image', many: 'images' }, name: (i) => i.name || i.id, onDone: list.reload,
    actions: [{ label: 'Delete', done: 'deleted', danger: true, applies: (i) => mine(i) && !i.protected, run: removeOne }],
  };
  const columns = [
    { title: 'Name', sort: (i) => i.name, render: (i) => html`<button class="link details-link" data-id=${i.id} onClick=${() => go([i.id])}><strong>${i.name
      || html`<span class="muted">(no name)</span>`}</strong></button> ${shortId(i.id)}
      ${i.protected && html` <span class="tag protected" title="Protected: cannot be deleted">protected</span>`}` },
    { title: 'Status', className: 'nowrap', sort: (i) => i.status, render: (i) => html`<span class=${`tag status status-${i.status}`}>${i.status}</span>` },
    { title: 'Visibility', className: 'nowrap', render: (i) => html`<span class=${`tag visibility ${i.visibility === 'public' ? 'public' : ''}`}>${i.visibility}</span>` },
    { title: 'Format', className: 'nowrap', render: (i) => html`<span class="disk-format">${i.disk_format || ''}</span>` },
    { title: 'Size', className: 'nowrap', sort: (i) => i.size || 0, render: (i) => html`<span class="size" title=${i.size == null ? '' : `${i.size} bytes`}>${formatBytes(i.size)}</span>` },
    { title: 'Owner', className: 'nowrap', render: (i) => (i.owner === project ? html`<span class="muted">this project</span>` : shortId(i.owner)) },
    { title: 'Updated', className: 'nowrap', sort: (i) => i.updated_at, render: (i) => formatDate(i.updated_at) },
    {
      title: '', className: 'row-actions', render: (i) => html`
        ${mine(i) && html`<button class="link" onClick=${() => setDialog({ edit: i })}>Edit</button>`}
        ${mine(i) && i.visibility === 'shared' && html`<button class="link" onClick=${() => setDialog({ members: i })}>Members</button>`}
        ${write && i.owner !== project && !admin && i.visibility === 'shared' && html`
          <button class="link accept" onClick=${() => answer(i, 'accepted').catch(setActionError)}>Accept</button>
          <button class="link reject" onClick=${() => answer(i, 'rejected').catch(setActionError)}>Reject</button>`}
        ${mine(i) && (i.protected
          ? html`<button class="link danger" title="Protected images cannot be deleted"
              onClick=${() => setActionError(`${i.name || i.id} is protected and cannot be deleted: turn protection off in Edit first.`)}>Delete</button>`
          : html`<${ConfirmButton} label="Delete" question=${`Delete ${i.name || i.id}?`} onError=${setActionError}
              onConfirm=${async () => { await removeOne(i); announce(`Image ${i.name || i.id} deleted.`); list.reload(); }} />`)}`,
    },
  ];
  return html`<section>
    <h1>Images</h1>
    <${Toolbar}>
      ${write && html`<button onClick=${() => setDialog({ upload: true })}>Upload image</button>`}
      <div class="filters">
        <input type="search" name="filter-name" placeholder="Filter by name" aria-label="Filter by name" value=${filters.name} onInput=${set('name')} />
        <select name="filter-status" aria-label="Status" value=${filters.status} onChange=${set('status')}>
          <option value="">Any status</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
        <select name="filter-visibility" aria-label="Visibility" value=${filters.visibility} onChange=${set('visibility')}>
          <option value="">Any visibility</option>
          ${['public', 'private', 'shared', 'community'].map((s) => html`<option value=${s}>${s}</option>`)}
          <option value="pending">shared with us, pending</option>
        </select>
      </div>
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${UploadList} uploads=${uploads} format=${formatBytes} />
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!list.data && list.loading ? html`<${Spinner} />` : html`<div class="collection images">
      <${DataTable} columns=${columns} rows=${rows} bulk=${bulk} empty="No images match." />
    </div>`}
    ${list.data && list.data.next && html`<${Notice}>The first 1000 images are shown: narrow the filters to see others.<//>`}
    ${route[0] && !dialog && html`<${ImageDetails} key=${route[0]} api=${api} base=${base} id=${route[0]} project=${project}
      mayEdit=${mine} onEdit=${(i) => { go([]); setDialog({ edit: i }); }} onClose=${() => go([])} />`}
    ${dialog && dialog.upload && html`<${UploadDialog} api=${api} base=${base} admin=${admin} onClose=${() => setDialog(null)} />`}
    ${dialog && dialog.edit && html`<${EditDialog} api=${api} base=${base} image=${dialog.edit} admin=${admin}
      onClose=${() => { setDialog(null); list.reload(); }} />`}
    ${dialog && dialog.members && html`<${MembersDialog} api=${api} base=${base} image=${dialog.members}
      onClose=${() => setDialog(null)} />`}
  </section>`;
}

/** Usage for the Overview bars (GET /v2/info/usage), named as the quota engine's limits are. */
async function usage(api, session) {
  const u = (await api.get(`${imagePath(session)}/v2/info/usage`)).usage;
  return Object.entries(u).map(([name, x]) => ({
    service_type: 'image', resource_name: name, used: x.usage, unit: /_(size|stage)_/.test(name) ? 'bytes' : undefined,
  }));
}

export default { id: 'images', title: 'Images', adminOnly: false, component: Images, usage };
