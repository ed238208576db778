// The details of one resource in a dialog, opened from the URL (#images/<id>): a reload or a
// link opens it again, Back closes it, and an ID that names nothing says so instead of a blank.
import { html } from './lib.js';
import { useLiveData } from './hooks.js';
import { Dialog, Spinner, ErrorNote } from './ui.js';

/**
 * load(): the resource (a 404 means it does not exist); what: its kind in words ("image");
 * id: what the URL named; children(data): the facts. Reloads on the feed's events.
 */
export function DetailsDialog({ what, id, load, feed = [], title, onClose, children, wide = true }) {
  const item = useLiveData(load, [id], feed);
  // a malformed ID (400 from some services) names nothing either
  const missing = item.error && (item.error.status === 404 || item.error.status === 400);
  return html`<${Dialog} title=${item.data && title ? title(item.data) : `${what.charAt(0).toUpperCase()}${what.slice(1)} ${id}`}
      onClose=${onClose} wide=${wide}>
    <div class="details" data-id=${id}>
      ${missing ? html`<p class="not-found" role="alert">No ${what} with the ID or name “${id}” was found: it may have been
          deleted, or the link is wrong.</p>`
        : html`<${ErrorNote} error=${item.error} />`}
      ${!item.data && !item.error && html`<${Spinner} />`}
      ${item.data && !missing && children(item.data)}
      <div class="actions"><button type="button" class="secondary" onClick=${onClose}>Close</button></div>
    </div>
  <//>`;
}

/** A definition list of [label, value] pairs, leaving out empty values. */
export function Facts({ rows }) {
  return html`<dl class="facts">${rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}
