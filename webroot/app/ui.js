// Small shared building blocks of the panels: tables, dialogs, forms, bars, messages.
import { html, useState, useEffect, useRef } from './lib.js';
import { formatBytes } from './transfer.js';

export function Spinner({ label = 'Loading…' }) {
  return html`<div class="spinner" role="status"><span class="spinner-dot"></span>${label}</div>`;
}

export function ErrorNote({ error, onDismiss }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return html`<div class="error" role="alert">
    <span>${message}</span>
    ${onDismiss && html`<button class="link" onClick=${onDismiss} aria-label="Dismiss">×</button>`}
  </div>`;
}

// ---- success messages: said once, politely, and gone after a few seconds --------------------

let said = [];
let nextSaid = 1;
const hearers = new Set();
const tell = () => hearers.forEach((fn) => fn(said));

/** Tells the user something worked ("Project alpha created."). */
export function announce(message) {
  const entry = { id: nextSaid++, message };
  said = [...said, entry].slice(-3);
  tell();
  setTimeout(() => { said = said.filter((x) => x !== entry); tell(); }, 5000);
}

/** Forgets what was said (sign-out). */
export function clearAnnouncements() {
  said = [];
  tell();
}

/** The messages of announce(), in a live region that screen readers read out. */
export function Announcements() {
  const [list, setList] = useState(said);
  useEffect(() => { hearers.add(setList); return () => hearers.delete(setList); }, []);
  return html`<div class="announcements" role="status" aria-live="polite">
    ${list.map((x) => html`<div class="success" key=${x.id}>${x.message}</div>`)}
  </div>`;
}

export function Notice({ children }) {
  return html`<div class="notice" role="status">${children}</div>`;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: it takes the focus when it opens (its first field), keeps Tab and Shift+Tab
 * inside, closes on Esc, and gives the focus back to what opened it when it closes.
 */
export function Dialog({ title, onClose, children, wide = false }) {
  const box = useRef(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const opener = document.activeElement;
    const first = box.current.querySelector(`form ${FOCUSABLE}`) || box.current.querySelector(FOCUSABLE) || box.current;
    first.focus();
    const keys = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      } else if (e.key === 'Tab' && box.current) {
        const all = [...box.current.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null);
        if (all.length === 0) return e.preventDefault();
        const at = all.indexOf(document.activeElement);
        if (e.shiftKey && at <= 0) { e.preventDefault(); all[all.length - 1].focus(); }
        else if (!e.shiftKey && (at === -1 || at === all.length - 1)) { e.preventDefault(); all[0].focus(); }
      }
    };
    addEventListener('keydown', keys);
    return () => {
      removeEventListener('keydown', keys);
      // back to the button that opened it, if it is still there
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
    };
  }, []);
  return html`<div class="backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div class=${`dialog ${wide ? 'wide' : ''}`} role="dialog" aria-modal="true" aria-label=${title} tabindex="-1" ref=${box}>
      <header><h2>${title}</h2><button class="link" onClick=${onClose} aria-label="Close">×</button></header>
      ${children}
    </div>
  </div>`;
}

/**
 * A form that runs an async submit, shows a spinner while it runs and the API's message if it
 * fails. fields: [{name, label, type?, required?, options?: [{value, label}], value?}].
 * confirm(values) (optional): a question to answer first (e.g. before making something public),
 * or null; the submit button then says "Yes, …" until a field changes.
 */
export function Form({ fields, submitLabel, onSubmit, onCancel, confirm }) {
  const initial = Object.fromEntries(fields.map((f) => [f.name, f.value ?? (f.type === 'checkbox' ? false : '')]));
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [asking, setAsking] = useState(null);
  const set = (name, value) => { setAsking(null); setValues((v) => ({ ...v, [name]: value })); };
  const submit = async (e) => {
    e.preventDefault();
    const question = !asking && confirm && confirm(values);
    if (question) return setAsking(question);
    setBusy(true);
    setError(null);
    try {
      await onSubmit(values);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return html`<form class="form" onSubmit=${submit}>
    ${fields.map((f) => html`<label class=${f.type === 'checkbox' ? 'check' : ''}>
      <span>${f.label}</span>
      ${f.options ? html`<select name=${f.name} required=${f.required} value=${values[f.name]}
            onChange=${(e) => set(f.name, e.target.value)}>
          <option value="">—</option>
          ${f.options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
        </select>`
      : f.type === 'checkbox' ? html`<input type="checkbox" name=${f.name} checked=${values[f.name]}
            onChange=${(e) => set(f.name, e.target.checked)} />`
      : html`<input name=${f.name} type=${f.type || 'text'} required=${f.required} value=${values[f.name]}
            autocomplete=${f.autocomplete || 'off'} onInput=${(e) => set(f.name, e.target.value)} />`}
    </label>`)}
    <${ErrorNote} error=${error} />
    ${asking && html`<div class="notice confirm-question" role="alert">${asking.question}</div>`}
    <div class="actions">
      ${onCancel && html`<button type="button" class="secondary" onClick=${onCancel}>Cancel</button>`}
      <button type="submit" disabled=${busy}>${busy ? 'Working…' : asking ? asking.label : submitLabel}</button>
    </div>
  </form>`;
}

/**
 * A button that asks once more before doing something that cannot be undone (or that exposes
 * something); the question takes the focus, so the keyboard answers it too.
 */
export function ConfirmButton({ label, question, onConfirm, onError, danger = true, confirmLabel = 'Yes' }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const yes = useRef(null);
  useEffect(() => { if (asking && yes.current) yes.current.focus(); }, [asking]);
  if (!asking) return html`<button class=${`link ${danger ? 'danger' : ''}`} onClick=${() => setAsking(true)}>${label}</button>`;
  const run = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (e) {
      onError && onError(e);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return html`<span class="confirm" role="group" aria-label=${question}>${question}
    <button class=${`${danger ? 'danger' : ''} small`} ref=${yes} disabled=${busy} onClick=${run}>${busy ? '…' : confirmLabel}</button>
    <button class="secondary small" onClick=${() => setAsking(false)}>No</button></span>`;
}

/** What is used of a limit; used may be unknown (null) until its service reports usage. */
export function UsageBar({ label, name = label, used, limit, unit }) {
  const known = used !== null && used !== undefined;
  const ratio = known && limit > 0 ? Math.min(1, used / limit) : 0;
  const level = ratio >= 0.9 ? 'high' : ratio >= 0.7 ? 'mid' : 'low';
  const f = unit === 'bytes' ? formatBytes : String;
  const text = limit < 0 ? (known ? `${f(used)} (unlimited)` : 'unlimited') : known ? `${f(used)} of ${f(limit)}` : `limit ${f(limit)}`;
  const hint = known ? `${used} of ${limit} used` : 'Usage is not reported yet by the service that owns this resource.';
  return html`<div class="usage" data-resource=${name} title=${hint}>
    <div class="usage-label"><span>${label}</span><span class="muted">${text}</span></div>
    <div class="bar ${known ? '' : 'unknown'}"><div class="fill ${level}" style=${`width:${(ratio * 100).toFixed(1)}%`}></div></div>
  </div>`;
}

/**
 * Editable name/value rows (image properties, object metadata). Inputs are named
 * `${name}-key-${i}` and `${name}-value-${i}`; every change hands the new rows to onChange.
 */
export function KeyValueEditor({ rows, onChange, name, keyLabel, addLabel }) {
  const edit = (i, field) => (e) => onChange(rows.map((r, j) => (j === i ? { ...r, [field]: e.target.value } : r)));
  return html`
    <div class="kv">
      <span class="head">${keyLabel}</span><span class="head">Value</span><span></span>
      ${rows.map((r, i) => html`
        <input name=${`${name}-key-${i}`} aria-label=${keyLabel} value=${r.key} onInput=${edit(i, 'key')} />
        <input name=${`${name}-value-${i}`} aria-label="Value" value=${r.value} onInput=${edit(i, 'value')} />
        <button type="button" class="link danger" onClick=${() => onChange(rows.filter((_, j) => j !== i))}>Remove</button>`)}
    </div>
    <div><button type="button" class="secondary small" onClick=${() => onChange([...rows, { key: '', value: '' }])}>${addLabel}</button></div>`;
}

export function Toolbar({ children }) {
  return html`<div class="toolbar">${children}</div>`;
}

export function shortId(id) {
  return id ? html`<code title=${id}>${id.slice(0, 8)}</code>` : '';
}

/** Uploads in flight: name, a progress bar, what is done, and Cancel (or the error). */
export function UploadList({ uploads, format }) {
  if (!uploads.length) return null;
  return html`<ul class="uploads" aria-label="Uploads">
    ${uploads.map((u) => {
      const ratio = u.total ? Math.min(1, u.done / u.total) : 0;
      const pct = `${Math.floor(ratio * 100)}%`;
      return html`<li key=${u.id} class=${`upload ${u.state}`} data-name=${u.name}>
        <div class="upload-label">
          <span class="upload-name">${u.name}${u.target ? html` <span class="muted">→ ${u.target}</span>` : ''}</span>
          <span class="muted upload-state">${u.state === 'running' ? `${format(u.done)} of ${format(u.total)} · ${pct}`
            : u.state === 'done' ? 'Uploaded' : u.state === 'cancelled' ? 'Cancelled' : 'Failed'}</span>
        </div>
        <div class="upload-row">
          <div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.floor(ratio * 100)}>
            <div class=${`fill ${u.state === 'failed' ? 'high' : 'low'}`} style=${`width:${(ratio * 100).toFixed(1)}%`}></div>
          </div>
          ${u.state === 'running' ? html`<button class="secondary small" onClick=${() => u.cancel()}>Cancel</button>`
            : html`<button class="link" aria-label="Dismiss" onClick=${() => u.dismiss()}>×</button>`}
        </div>
        ${u.error && html`<div class="upload-error">${u.error.message}</div>`}
      </li>`;
    })}
  </ul>`;
}
