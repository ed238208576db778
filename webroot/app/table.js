// Long lists: a table with search, sorting, paging and, where the caller may act on several rows
// at once, bulk select (a checkbox per row, one for the page) with an action bar, a confirmation
// that names what it will touch, one request per row with progress, and what failed and why.
import { html, useState, useRef, useEffect } from './lib.js';
import { Dialog, announce } from './ui.js';

/** How many names a confirmation lists before "and N more". */
const NAMED = 5;

/** "a, b and c", or "a, b, c, d, e and 3 more". */
export function namesOf(names) {
  const shown = names.slice(0, NAMED);
  const more = names.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Why one item of a bulk action failed, in words (the API's own message when it has one). */
export function reasonOf(error) {
  if (!error) return 'it failed for an unknown reason';
  if (error.status === 404) return 'it no longer exists';
  return error.message || String(error);
}

/** A checkbox that can show "some selected". */
function Check({ checked, mixed = false, label, onChange, ...rest }) {
  const box = useRef(null);
  useEffect(() => { if (box.current) box.current.indeterminate = mixed; }, [mixed]);
  return html`<input type="checkbox" class="select" ref=${box} checked=${checked} aria-label=${label}
    onChange=${(e) => onChange(e.target.checked)} ...${rest} />`;
}

/**
 * Runs a bulk action after asking: the question names how many and the first few, then one
 * request per item (one after the other, so the cloud sees no burst), a progress bar, and at the
 * end how many succeeded and, for each failure, its name and reason.
 */
function BulkDialog({ action, items, name, noun, onClose }) {
  const [state, setState] = useState({ phase: 'ask', done: 0, failed: [] });
  const n = items.length;
  const what = `${n} ${n === 1 ? noun.one : noun.many}`;
  const run = async () => {
    const failed = [];
    setState({ phase: 'run', done: 0, failed });
    for (let i = 0; i < n; i++) {
      try {
        await action.run(items[i]);
      } catch (e) {
        failed.push({ item: items[i], reason: reasonOf(e) });
      }
      setState({ phase: 'run', done: i + 1, failed: [...failed] });
    }
    setState({ phase: 'done', done: n, failed });
    const ok = n - failed.length;
    if (ok > 0) announce(`${ok} ${ok === 1 ? noun.one : noun.many} ${action.done}.`);
  };
  const close = () => onClose(state.phase === 'done' ? state.failed.map((f) => f.item) : null);
  const pct = Math.floor((state.done / n) * 100);
  return html`<${Dialog} title=${`${action.label} ${what}?`} onClose=${state.phase === 'run' ? () => {} : close}>
    <div class="bulk-dialog">
      ${state.phase === 'ask' && html`
        <p class="bulk-question">${action.question ? action.question(what) : `${what} will be ${action.done}`}: ${namesOf(items.map(name))}.</p>
        <div class="actions">
          <button type="button" class="secondary" onClick=${close}>Cancel</button>
          <button type="button" class=${action.danger ? 'danger' : ''} id="bulk-confirm" onClick=${run}>${action.label} ${what}</button>
        </div>`}
      ${state.phase !== 'ask' && html`
        <div class="bar" role="progressbar" aria-label="Progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
          <div class=${`fill ${state.failed.length ? 'mid' : 'low'}`} style=${`width:${pct}%`}></div></div>
        <p class="bulk-progress" role="status">${state.phase === 'run' ? `${state.done} of ${n} done…`
          : `${n - state.failed.length} of ${n} ${action.done}${state.failed.length ? `; ${state.failed.length} failed` : ''}.`}</p>`}
      ${state.failed.length > 0 && html`<ul class="bulk-failures" aria-label="Failed">
        ${state.failed.map((f) => html`<li><strong>${name(f.item)}</strong>: ${f.reason}</li>`)}</ul>`}
      ${state.phase === 'done' && html`<div class="actions"><button type="button" id="bulk-close" onClick=${close}>Close</button></div>`}
    </div>
  <//>`;
}

/**
 * columns: [{title, render(row), sort?(row) => value}]; rows get a data-name attribute for tests
 * and styling. Long lists get tools: search (the `search` prop: a placeholder; rows match on
 * `searchText(row)`, by default their name), sorting by a column with `sort` (click its header;
 * again to reverse), and pages of `pageSize` rows.
 * bulk (optional): {noun: {one, many}, name(row), actions: [{label, done ("deleted"), danger?,
 * question?(what), applies(row), run(row) => Promise}], onDone()}; give it only to callers whose
 * role allows the actions, and `applies` with the same checks as the row's own buttons.
 * reveal (optional): the key of a row to show, e.g. one just created: the table turns to its page
 * once it is listed (a long list would otherwise hide it on another page).
 */
export function DataTable({ columns, rows, empty = 'Nothing here yet.', rowKey = (r) => r.id, search, searchText = (r) => r.name || '',
  pageSize = 50, bulk, reveal = null }) {
  const [needle, setNeedle] = useState('');
  const [order, setOrder] = useState(null); // {index, dir: 1 | -1}
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState(() => new Set());
  const [running, setRunning] = useState(null); // {action, items}
  const revealed = useRef(null);
  // a bulk action's dialog outlives the rows it deletes, to tell how it went
  const dialog = running && html`<${BulkDialog} action=${running.action} items=${running.items} name=${bulk.name} noun=${bulk.noun}
    onClose=${(failed) => finished(failed)} />`;
  const finished = (failed) => {
    // what failed stays selected, to try again or look at
    if (failed) setSelected(new Set(failed.map(rowKey)));
    setRunning(null);
    if (failed && bulk.onDone) bulk.onDone();
  };
  // the dialog keeps its place (the second child) whatever the table shows, so it is not remade
  if (!rows) return html`${null}${dialog}`;
  if (rows.length === 0) return html`${html`<p class="empty">${empty}</p>`}${dialog}`;
  const q = needle.trim().toLowerCase();
  let shown = q ? rows.filter((r) => String(searchText(r)).toLowerCase().includes(q)) : rows;
  if (order) {
    const key = columns[order.index].sort;
    shown = [...shown].sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true });
      return c * order.dir;
    });
  }
  if (reveal && revealed.current !== reveal) {
    const index = shown.findIndex((r) => rowKey(r) === reveal);
    if (index >= 0) {
      revealed.current = reveal;
      if (Math.floor(index / pageSize) !== page) setPage(Math.floor(index / pageSize));
    }
  }
  const pages = Math.max(1, Math.ceil(shown.length / pageSize));
  const at = Math.min(page, pages - 1);
  const slice = shown.slice(at * pageSize, (at + 1) * pageSize);
  const sortBy = (i) => {
    setOrder(order && order.index === i ? { index: i, dir: -order.dir } : { index: i, dir: 1 });
    setPage(0);
  };
  const ariaSort = (i) => (order && order.index === i ? (order.dir === 1 ? 'ascending' : 'descending') : undefined);

  // bulk select: rows that one of the actions applies to; the selection outlives search and
  // paging, and rows that went away (deleted, by anyone) drop out of it
  const actions = (bulk && bulk.actions) || [];
  const selectable = (r) => actions.some((a) => a.applies(r));
  const withBulk = actions.length > 0 && rows.some(selectable);
  const chosen = withBulk ? rows.filter((r) => selected.has(rowKey(r)) && selectable(r)) : [];
  const pageRows = slice.filter(selectable);
  const pageChosen = pageRows.filter((r) => selected.has(rowKey(r))).length;
  const toggle = (keys, on) => setSelected((old) => {
    const next = new Set(old);
    keys.forEach((k) => (on ? next.add(k) : next.delete(k)));
    return next;
  });
  const columnsShown = withBulk ? [{
    title: html`<${Check} label="Select all on this page" checked=${pageRows.length > 0 && pageChosen === pageRows.length}
      mixed=${pageChosen > 0 && pageChosen < pageRows.length} disabled=${pageRows.length === 0} data-select="page"
      onChange=${(on) => toggle(pageRows.map(rowKey), on)} />`,
    className: 'select-cell',
    render: (r) => selectable(r) && html`<${Check} label=${`Select ${bulk.name(r)}`} checked=${selected.has(rowKey(r))}
      onChange=${(on) => toggle([rowKey(r)], on)} />`,
  }, ...columns] : columns;
  const offset = withBulk ? 1 : 0;
  // a narrow screen scrolls the table, not the page
  return html`${html`
    ${search && html`<div class="table-tools"><input type="search" class="table-search" placeholder=${search} aria-label=${search}
      value=${needle} onInput=${(e) => { setNeedle(e.target.value); setPage(0); }} /></div>`}
    ${chosen.length > 0 && html`<div class="bulk-bar" role="region" aria-label="Selected">
      <span class="bulk-count">${chosen.length} selected</span>
      ${actions.map((a) => {
        const items = chosen.filter(a.applies);
        return html`<button class=${`small ${a.danger ? 'danger' : 'secondary'}`} data-bulk=${a.label} disabled=${items.length === 0}
          onClick=${() => setRunning({ action: a, items })}>${a.label} (${items.length})</button>`;
      })}
      <button class="link" onClick=${() => setSelected(new Set())}>Clear selection</button>
    </div>`}
    ${shown.length === 0 ? html`<p class="empty">Nothing matches “${needle.trim()}”.</p>` : html`<div class="table-wrap"><table class="table">
    <thead><tr>${columnsShown.map((c, i) => html`<th class=${c.className || ''} aria-sort=${i >= offset ? ariaSort(i - offset) : undefined}>${c.sort
      ? html`<button class="sort" data-sort=${c.title} onClick=${() => sortBy(i - offset)}>${c.title}${order && order.index === i - offset ? (order.dir === 1 ? ' ▲' : ' ▼') : ''}</button>`
      : c.title}</th>`)}</tr></thead>
    <tbody>${slice.map((row) => html`<tr key=${rowKey(row)} data-name=${row.name || ''} class=${selected.has(rowKey(row)) ? 'selected' : ''}>
      ${columnsShown.map((c) => html`<td class=${c.className || ''}>${c.render(row)}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}
    ${pages > 1 && html`<nav class="pager" aria-label="Pages">
      <button class="secondary small" disabled=${at === 0} onClick=${() => setPage(at - 1)}>Previous</button>
      <span class="muted">${at * pageSize + 1}–${Math.min(shown.length, (at + 1) * pageSize)} of ${shown.length}</span>
      <button class="secondary small" disabled=${at >= pages - 1} onClick=${() => setPage(at + 1)}>Next</button>
    </nav>`}`}${dialog}`;
}
