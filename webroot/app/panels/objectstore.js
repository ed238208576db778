// Object store: containers and objects through the Swift v1 API (the same calls as the swift
// CLI). Pseudo-folders come from delimiter=/ listings; uploads show progress and can be
// cancelled; large files go up in segments as a static large object. Lists follow the live feed.
import { html, useState, useEffect } from '../lib.js';
import { useRoute } from '../route.js';
import { DataTable } from '../table.js';
import { useLiveData } from '../hooks.js';
import { Spinner, ErrorNote, Dialog, Form, ConfirmButton, Toolbar, UploadList, KeyValueEditor, announce } from '../ui.js';
import {
  servicePath, encodePath, formatBytes, formatDate, sendWithProgress, downloadWithToken, startUpload, useUploads,
} from '../transfer.js';

const FEED = ['object-store.'];
const PUBLIC_READ = '.r:*,.rlistings';
const MiB = 1024 * 1024;
/** Files above this go up in segments of this size (Swift allows at most 1000 segments per manifest). */
const SEGMENT_BYTES = 64 * MiB;
const MAX_SEGMENTS = 1000;
/** One listing page (Swift's maximum); more entries than this are not paged through here. */
const LISTING_LIMIT = 10000;

/** The store's largest single object (from /info, once), so that smaller limits still get segments. */
let maxObject = Infinity;
let infoAsked = false;
function learnLimits(api) {
  if (infoAsked) return;
  infoAsked = true;
  api.get('/object-store/info').then((i) => { if (i && i.swift && i.swift.max_file_size > 0) maxObject = i.swift.max_file_size; },
    () => { infoAsked = false; });
}

/** The segment size; a test may lower it (sessionStorage 'vertstack.segment-bytes') to exercise segments with small files. */
function segmentBytes() {
  const asked = Number(sessionStorage.getItem('vertstack.segment-bytes'));
  return Math.min(asked > 0 ? asked : SEGMENT_BYTES, maxObject);
}

const accountPath = (session) => servicePath(session, 'object-store', `/object-store/v1/AUTH_${session.scoped.project.id}`);
const containerUrl = (base, container) => `${base}/${encodeURIComponent(container)}`;
const objectUrl = (base, container, name) => `${containerUrl(base, container)}/${encodePath(name)}`;
const isPublic = (read) => (read || '').split(',').map((s) => s.trim()).includes('.r:*');

// ---- uploads -----------------------------------------------------------------------------

/** Reports a 401 of an upload to the shell like any other call, so an ended session signs out. */
function watch401(api, promise) {
  return promise.catch((e) => {
    if (e.status === 401 && api.onUnauthorized) api.onUnauthorized(e);
    throw e;
  });
}

async function putWhole(api, base, container, name, file, task) {
  const x = sendWithProgress({
    method: 'PUT', url: objectUrl(base, container, name), token: api.token, body: file,
    headers: { 'Content-Type': file.type || 'application/octet-stream' },
    onProgress: (done) => task.progress(done),
  });
  task.onCancel(x.abort);
  await watch401(api, x.promise);
}

/**
 * A static large object: the segments go to <container>_segments (as the swift CLI does), one
 * after the other, then the manifest ties them together. Cancelled or failed: the segments
 * already sent are deleted again.
 */
async function putSegmented(api, base, container, name, file, task) {
  const size = Math.max(segmentBytes(), Math.ceil(file.size / MAX_SEGMENTS));
  const segContainer = `${container}_segments`;
  const segPrefix = `${name}/slo/${(file.lastModified / 1000).toFixed(6)}/${file.size}/${size}`;
  await api.request('PUT', containerUrl(base, segContainer));
  const segments = [];
  let current = null;
  let currentName = null;
  task.onCancel(() => current && current.abort());
  try {
    for (let i = 0, offset = 0; offset < file.size; i++, offset += size) {
      if (task.cancelled) throw Object.assign(new Error('Cancelled.'), { aborted: true });
      const piece = file.slice(offset, Math.min(file.size, offset + size));
      const segName = `${segPrefix}/${String(i).padStart(8, '0')}`;
      currentName = segName;
      current = sendWithProgress({
        method: 'PUT', url: objectUrl(base, segContainer, segName), token: api.token, body: piece,
        headers: { 'Content-Type': 'application/octet-stream' },
        onProgress: (done) => task.progress(offset + done),
      });
      const r = await watch401(api, current.promise);
      segments.push({
        path: `/${encodeURIComponent(segContainer)}/${encodePath(segName)}`,
        etag: (r.headers('Etag') || '').replace(/"/g, ''),
        size_bytes: piece.size,
      });
    }
    if (task.cancelled) throw Object.assign(new Error('Cancelled.'), { aborted: true });
    await api.request('PUT', `${objectUrl(base, container, name)}?multipart-manifest=put`, {
      body: JSON.stringify(segments), headers: { 'Content-Type': file.type || 'application/octet-stream' },
    });
  } catch (e) {
    // No orphan segments left behind (best effort: the user may also delete <container>_segments):
    // those acknowledged, the one in flight (all its bytes may have reached the cloud before the
    // abort, so it is stored though its answer never came), and whatever else the listing shows
    // under this upload's prefix.
    const paths = new Set(segments.map((s) => s.path));
    if (currentName) paths.add(`/${encodeURIComponent(segContainer)}/${encodePath(currentName)}`);
    await Promise.all([...paths].map((p) => api.request('DELETE', `${base}${p}`).catch(() => null)));
    const q = `format=json&prefix=${encodeURIComponent(`${segPrefix}/`)}`;
    const left = ((await api.request('GET', `${containerUrl(base, segContainer)}?${q}`).catch(() => null)) || {}).data || [];
    await Promise.all(left.map((o) => api.request('DELETE', objectUrl(base, segContainer, o.name)).catch(() => null)));
    throw e;
  }
}

function uploadFiles(api, base, container, prefix, files) {
  for (const file of files) {
    const name = prefix + file.name;
    startUpload('object', name, container, file.size, (task) => (file.size > segmentBytes()
      ? putSegmented(api, base, container, name, file, task)
      : putWhole(api, base, container, name, file, task)).catch((e) => { throw api.explain(e, 'upload'); }));
  }
}

function UploadDialog({ onUpload, onClose, where }) {
  const [files, setFiles] = useState([]);
  return html`<${Dialog} title="Upload files" onClose=${onClose}>
    <form class="form" onSubmit=${(e) => { e.preventDefault(); onUpload(files); onClose(); }}>
      <p class="muted">To ${where}. Files larger than ${formatBytes(segmentBytes())} are sent in segments.</p>
      <label><span>Files</span><input type="file" name="files" multiple required
        onChange=${(e) => setFiles([...e.target.files])} /></label>
      <div class="actions">
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
        <button type="submit" disabled=${files.length === 0}>Upload${files.length > 1 ? ` ${files.length} files` : ''}</button>
      </div>
    </form>
  <//>`;
}

// ---- object metadata ---------------------------------------------------------------------

const META = 'x-object-meta-';
const HEADER_NAME = /^[A-Za-z0-9_-]+$/;
const LATIN1 = /^[\x20-\x7e\xa0-\xff]*$/;

/** An object's details (#object-store/<container>/<folder/>/<object>): its facts and metadata, which writers edit. */
function MetadataDialog({ api, url, name, container, readOnly, onClose }) {
  const head = useLiveData(async () => {
    const r = await api.request('HEAD', url);
    const meta = [];
    const facts = {};
    for (const [k, v] of r.headers) {
      if (k.startsWith(META)) meta.push({ key: k.slice(META.length), value: v });
      else facts[k] = v;
    }
    meta.sort((a, b) => a.key.localeCompare(b.key));
    return { meta, facts };
  }, [url]);
  const [rows, setRows] = useState(null);
  const [type, setType] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  if (!head.data) {
    return html`<${Dialog} title=${name} onClose=${onClose} wide=${true}>
      ${head.error && head.error.status === 404
        ? html`<p class="not-found" role="alert">No object named “${name}” was found in container ${container}: it may have been
            deleted, or the link is wrong.</p>
          <div class="actions"><button type="button" class="secondary" onClick=${onClose}>Close</button></div>`
        : html`<${ErrorNote} error=${head.error} />`}${!head.error && html`<${Spinner} />`}<//>`;
  }
  const f = head.data.facts;
  const current = rows || head.data.meta;
  const contentType = type ?? (f['content-type'] || '');
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    const headers = { 'Content-Type': contentType || 'application/octet-stream' };
    for (const r of current.filter((x) => x.key.trim())) {
      if (!HEADER_NAME.test(r.key.trim())) return setError(`"${r.key}" cannot be a metadata name: use letters, digits, - and _.`);
      if (!LATIN1.test(r.value)) return setError(`The value of "${r.key}" has characters an HTTP header cannot carry.`);
      headers[`X-Object-Meta-${r.key.trim()}`] = r.value;
    }
    setBusy(true);
    try {
      // a POST replaces all of the object's metadata: what is not sent is removed
      await api.request('POST', url, { headers });
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<${Dialog} title=${name} onClose=${onClose} wide=${true}>
    <dl class="facts">
      <dt>Size</dt><dd>${formatBytes(Number(f['content-length']))} <span class="muted">(${f['content-length']} bytes)</span></dd>
      <dt>Last modified</dt><dd>${f['last-modified'] ? new Date(f['last-modified']).toLocaleString() : ''}</dd>
      <dt>ETag</dt><dd><code>${(f.etag || '').replace(/"/g, '')}</code></dd>
      ${f['x-static-large-object'] && html`<dt>Large object</dt><dd>static, in segments</dd>`}
    </dl>
    ${readOnly ? html`<h3>Metadata</h3>${current.length === 0 ? html`<p class="muted">None.</p>`
      : html`<dl class="facts metadata">${current.map((r) => html`<dt>${r.key}</dt><dd>${r.value}</dd>`)}</dl>`}
      <div class="actions"><button type="button" class="secondary" onClick=${onClose}>Close</button></div>`
    : html`<form class="form metadata" onSubmit=${save}>
      <label><span>Content type</span><input name="content-type" value=${contentType} onInput=${(e) => setType(e.target.value)} /></label>
      <${KeyValueEditor} rows=${current} onChange=${setRows} name="meta" keyLabel="Metadata name" addLabel="Add metadata" />
      <${ErrorNote} error=${error} />
      <div class="actions">
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
        <button type="submit" disabled=${busy}>${busy ? 'Saving…' : 'Save'}</button>
      </div>
    </form>`}
  <//>`;
}

// ---- one container ------------------------------------------------------------------------

function Breadcrumb({ container, prefix, onRoot, onPrefix }) {
  const parts = prefix.split('/').filter(Boolean);
  return html`<nav class="crumbs" aria-label="Folder">
    <button class="link" onClick=${onRoot}>Containers</button><span class="sep">/</span>
    ${parts.length === 0 ? html`<span class="here">${container}</span>`
      : html`<button class="link" onClick=${() => onPrefix('')}>${container}</button>`}
    ${parts.map((p, i) => html`<span class="sep">/</span>${i === parts.length - 1 ? html`<span class="here">${p}</span>`
      : html`<button class="link" onClick=${() => onPrefix(`${parts.slice(0, i + 1).join('/')}/`)}>${p}</button>`}`)}
  </nav>`;
}

function ContainerView({ api, access, base, container, prefix, onPrefix: setPrefix, onRoot, object, onObject }) {
  const [dialog, setDialog] = useState(null);
  const [actionError, setActionError] = useState(null);
  const uploads = useUploads('object').filter((u) => u.target === container);
  const list = useLiveData(async () => {
    const q = `format=json&delimiter=/&limit=${LISTING_LIMIT}&prefix=${encodeURIComponent(prefix)}`;
    return (await api.request('GET', `${containerUrl(base, container)}?${q}`)).data || [];
  }, [container, prefix], FEED, { project: access.project.id });
  const rows = (list.data || []).filter((o) => (o.subdir || o.name) !== prefix).map((o) => (o.subdir
    ? { id: o.subdir, folder: o.subdir, name: o.subdir.slice(prefix.length) }
    : { ...o, id: o.name, full: o.name, name: o.name.slice(prefix.length) }));
  const removeOne = async (o) => {
    const url = objectUrl(base, container, o.full);
    // a static large object is deleted with its segments
    const head = await api.request('HEAD', url);
    const slo = (head.headers.get('X-Static-Large-Object') || '').toLowerCase() === 'true';
    await api.request('DELETE', slo ? `${url}?multipart-manifest=delete` : url);
  };
  const remove = async (o) => {
    await removeOne(o);
    announce(`${o.name} deleted.`);
    list.reload();
  };
  // the same check as the row's Delete: writers, objects (a folder is not one)
  const bulk = access.write && {
    noun: { one: 'object', many: 'objects' }, name: (o) => o.name, onDone: list.reload,
    actions: [{ label: 'Delete', done: 'deleted', danger: true, applies: (o) => !o.folder, run: removeOne }],
  };
  const download = (o) => downloadWithToken(objectUrl(base, container, o.full), api.token, o.name.split('/').pop())
    .catch((e) => (e.status === 401 && api.onUnauthorized ? api.onUnauthorized(e) : setActionError(e)));
  const columns = [
    { title: 'Name', sort: (o) => o.name, render: (o) => (o.folder
      ? html`<button class="link folder" data-folder=${o.name} onClick=${() => setPrefix(o.folder)}>${o.name}</button>`
      : html`<button class="link object-name details-link" onClick=${() => onObject(o.full)}>${o.name}</button>`) },
    { title: 'Size', className: 'nowrap', sort: (o) => o.bytes || 0, render: (o) => (o.folder ? '' : html`<span class="size" title=${`${o.bytes} bytes`}>${formatBytes(o.bytes)}</span>`) },
    { title: 'Type', render: (o) => (o.folder ? html`<span class="muted">folder</span>` : o.content_type) },
    { title: 'Last modified', className: 'nowrap', render: (o) => (o.folder ? '' : formatDate(o.last_modified)) },
    {
      title: '', className: 'row-actions', render: (o) => (o.folder ? '' : html`
        <button class="link" onClick=${() => download(o)}>Download</button>
        ${access.write && html`<button class="link" onClick=${() => onObject(o.full)}>Metadata</button>
        <${ConfirmButton} label="Delete" question=${`Delete ${o.name}?`} onError=${setActionError} onConfirm=${() => remove(o)} />`}`),
    },
  ];
  const newFolder = async (v) => {
    const name = v.name.replace(/^\/+|\/+$/g, '');
    if (!name) throw new Error('A folder needs a name.');
    // a zero-byte marker object, as other Swift clients make them
    await api.request('PUT', objectUrl(base, container, `${prefix}${name}/`),
      { body: '', headers: { 'Content-Type': 'application/directory' } });
    setDialog(null);
    list.reload();
  };
  return html`<div class="collection objects" data-container=${container}>
    <${Breadcrumb} container=${container} prefix=${prefix} onRoot=${onRoot} onPrefix=${setPrefix} />
    <${Toolbar}>
      ${access.write && html`<button onClick=${() => setDialog({ upload: true })}>Upload</button>
      <button class="secondary" onClick=${() => setDialog({ folder: true })}>New folder</button>`}
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${UploadList} uploads=${uploads} format=${formatBytes} />
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!list.data && list.loading ? html`<${Spinner} />`
      : html`<${DataTable} columns=${columns} rows=${rows} bulk=${bulk} search="Search this folder" empty="No objects here yet. Upload files or make a folder." />`}
    ${list.data && list.data.length >= LISTING_LIMIT && html`<p class="hint">The first ${LISTING_LIMIT} entries are shown.</p>`}
    ${dialog && dialog.upload && html`<${UploadDialog} where=${`${container}/${prefix}`} onClose=${() => setDialog(null)}
      onUpload=${(files) => uploadFiles(api, base, container, prefix, files)} />`}
    ${dialog && dialog.folder && html`<${Dialog} title="New folder" onClose=${() => setDialog(null)}>
      <${Form} submitLabel="Create" onCancel=${() => setDialog(null)} onSubmit=${newFolder}
        fields=${[{ name: 'name', label: `Folder name (in ${container}/${prefix})`, required: true }]} />
    <//>`}
    ${object && html`<${MetadataDialog} key=${object} api=${api} name=${object} container=${container} readOnly=${!access.write}
      url=${objectUrl(base, container, object)} onClose=${() => { onObject(null); list.reload(); }} />`}
  </div>`;
}

// ---- the containers -----------------------------------------------------------------------

function ContainerList({ api, access, base, onOpen }) {
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState(null);
  const list = useLiveData(async () => {
    const containers = (await api.request('GET', `${base}?format=json&limit=${LISTING_LIMIT}`)).data || [];
    // public or private is in each container's read ACL, which only its HEAD tells
    const heads = await Promise.all(containers.slice(0, 200).map((c) => api.request('HEAD', containerUrl(base, c.name))
      .then((r) => r.headers.get('X-Container-Read') || '', () => null)));
    return containers.map((c, i) => ({ ...c, id: c.name, read: heads[i] }));
  }, [base], FEED, { project: access.project.id }); // an admin's feed has every project's objects
  const setAccess = async (c, open) => {
    await api.request('POST', containerUrl(base, c.name),
      { headers: open ? { 'X-Container-Read': PUBLIC_READ } : { 'X-Remove-Container-Read': '1' } });
    announce(`${c.name} is now ${open ? 'public' : 'private'}.`);
    list.reload();
  };
  const remove = async (c) => {
    try {
      await api.request('DELETE', containerUrl(base, c.name));
    } catch (e) {
      if (e.status === 409) e.message = `${c.name} is not empty: delete its objects first.`;
      throw e;
    }
    announce(`Container ${c.name} deleted.`);
    list.reload();
  };
  const create = async (v) => {
    if (!v.name.trim()) throw new Error('A container needs a name.');
    if (v.name.includes('/')) throw new Error('A container name cannot contain "/".');
    await api.request('PUT', containerUrl(base, v.name), { headers: v.public ? { 'X-Container-Read': PUBLIC_READ } : {} });
    announce(`Container ${v.name} created${v.public ? ' (public)' : ''}.`);
    setCreating(false);
    list.reload();
  };
  const columns = [
    { title: 'Name', sort: (c) => c.name, render: (c) => html`<button class="link open" onClick=${() => onOpen(c.name)}><strong>${c.name}</strong></button>` },
    { title: 'Objects', render: (c) => html`<span class="count">${c.count}</span>` },
    { title: 'Size', className: 'nowrap', sort: (c) => c.bytes, render: (c) => html`<span class="size" title=${`${c.bytes} bytes`}>${formatBytes(c.bytes)}</span>` },
    {
      title: 'Access', render: (c) => (c.read === null ? ''
        : isPublic(c.read) ? html`<span class="tag public access" title="Anyone with the link can read and list it">public</span>`
          : html`<span class="tag access">private</span>`),
    },
    {
      title: '', className: 'row-actions', render: (c) => access.write && html`
        ${c.read !== null && (isPublic(c.read)
          ? html`<button class="link" onClick=${() => setAccess(c, false).catch(setActionError)}>Make private</button>`
          : html`<${ConfirmButton} label="Make public" danger=${false} confirmLabel="Yes, make public" onError=${setActionError}
              question=${`Anyone, without signing in, could read and list ${c.name}. Make it public?`}
              onConfirm=${() => setAccess(c, true)} />`)}
        <${ConfirmButton} label="Delete" question=${`Delete ${c.name}?`} onError=${setActionError} onConfirm=${() => remove(c)} />`,
    },
  ];
  return html`<div class="collection containers">
    <${Toolbar}>
      ${access.write && html`<button onClick=${() => setCreating(true)}>Create container</button>`}
      ${list.loading && html`<${Spinner} label="Refreshing…" />`}
    <//>
    <${ErrorNote} error=${list.error || actionError} onDismiss=${actionError ? () => setActionError(null) : null} />
    ${!list.data && list.loading ? html`<${Spinner} />`
      : html`<${DataTable} columns=${columns} rows=${list.data} search="Search containers" empty="No containers yet." />`}
    ${creating && html`<${Dialog} title="Create container" onClose=${() => setCreating(false)}>
      <${Form} submitLabel="Create" onCancel=${() => setCreating(false)} onSubmit=${create}
        confirm=${(v) => v.public && v.name.trim() && { question: `Anyone, without signing in, could read and list ${v.name.trim()}. Make it public?`,
          label: 'Yes, create it public' }} fields=${[
        { name: 'name', label: 'Name', required: true },
        { name: 'public', label: 'Public: anyone can read and list it without signing in', type: 'checkbox' },
      ]} />
    <//>`}
  </div>`;
}

function ObjectStore({ session, api, access }) {
  const base = accountPath(session);
  useEffect(() => learnLimits(api), []);
  // the open container and folder are in the URL (#object-store/<container>/<folder/>)
  const [route, go] = useRoute('object-store');
  const container = route[0] || null;
  const prefix = route[1] || '';
  const setContainer = (c) => go(c ? [c] : []);
  const uploads = useUploads('object');
  const elsewhere = uploads.filter((u) => u.target !== container);
  return html`<section>
    <h1>Object store</h1>
    ${container === null && html`<${UploadList} uploads=${elsewhere} format=${formatBytes} />`}
    ${container === null
      ? html`<${ContainerList} api=${api} access=${access} base=${base} onOpen=${setContainer} />`
      : html`<${ContainerView} key=${container} api=${api} access=${access} base=${base} container=${container}
          prefix=${prefix} onPrefix=${(p) => go([container, p])} onRoot=${() => setContainer(null)}
          object=${route[2] || null} onObject=${(o) => go([container, prefix, o])} />`}
    ${container === null && html`<p class="hint">Public containers can be read by anyone, without signing in, at${' '}
      <code>${`${location.origin}${base}/<container>/<object>`}</code>.</p>`}
  </section>`;
}

/** Usage for the Overview bars: the account's totals (HEAD on the account). */
async function usage(api, session) {
  const r = await api.request('HEAD', accountPath(session));
  const n = (h) => Number(r.headers.get(h) || 0);
  return [
    { service_type: 'object-store', resource_name: 'bytes', used: n('X-Account-Bytes-Used'), unit: 'bytes' },
    { service_type: 'object-store', resource_name: 'objects', used: n('X-Account-Object-Count') },
    { service_type: 'object-store', resource_name: 'containers', used: n('X-Account-Container-Count') },
  ];
}

export default { id: 'object-store', title: 'Object store', adminOnly: false, component: ObjectStore, usage };
