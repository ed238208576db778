// Moving bytes: uploads with progress and cancel (XMLHttpRequest: fetch cannot report upload
// progress), downloads with the token (fetch, then a blob URL), service URLs from the catalog,
// and a store of the uploads in flight that outlives a panel switch.
import { useState, useEffect } from './lib.js';
import { ApiError, errorMessage } from './api.js';

/**
 * The path of a service's public endpoint from the token's catalog (e.g. /object-store/v1/AUTH_x).
 * Only the path is used: the page talks to its own origin (the CSP allows nothing else), which is
 * also where the front door serves every API. Falls back when the catalog has no such service.
 */
export function servicePath(session, type, fallback) {
  const service = (session.scoped.catalog || []).find((s) => s.type === type);
  const endpoint = service && (service.endpoints.find((e) => e.interface === 'public') || service.endpoints[0]);
  if (!endpoint) return fallback;
  try {
    return new URL(endpoint.url, location.href).pathname.replace(/\/$/, '');
  } catch (e) {
    return fallback;
  }
}

/** Encodes each segment of an object name for a URL, keeping its slashes. */
export function encodePath(name) {
  return name.split('/').map(encodeURIComponent).join('/');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** 1536 -> "1.5 KiB"; exact bytes go in a title where it matters. */
export function formatBytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  let v = Number(n);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

export function formatDate(s) {
  if (!s) return '';
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`); // Swift's listing dates are UTC without a zone
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * One request whose body is sent with progress. Returns {promise, abort}; the promise gives
 * {status, headers: name => value, text} for a 2xx and rejects with ApiError otherwise, or with
 * an ApiError of status 0 and aborted=true when cancelled.
 */
export function sendWithProgress({ method, url, token, body, headers = {}, onProgress }) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open(method, url);
    xhr.withCredentials = false;
    if (token) xhr.setRequestHeader('X-Auth-Token', token);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : null);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, headers: (n) => xhr.getResponseHeader(n), text: xhr.responseText });
      } else {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        reject(new ApiError(xhr.status, errorMessage(xhr.status, data, xhr.responseText)));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'The upload was interrupted: the server cannot be reached.'));
    xhr.onabort = () => reject(Object.assign(new ApiError(0, 'Cancelled.'), { aborted: true }));
    xhr.send(body);
  });
  return { promise, abort: () => xhr.abort() };
}

/**
 * Downloads with the token: the bytes are fetched, then saved from a blob URL under the given
 * file name (a plain link cannot carry the X-Auth-Token header).
 */
export async function downloadWithToken(url, token, filename) {
  let res;
  try {
    res = await fetch(url, { headers: { 'X-Auth-Token': token }, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const text = await res.text();
    throw new ApiError(res.status, errorMessage(res.status, null, text));
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60000);
}

// ---- uploads in flight, shared by the panels (they survive switching panels) ----------------

// Each upload belongs to the user and project it was started for: a panel lists only those of
// the session it shows, and sign-out forgets them all (the next user of the tab sees none).
let uploads = [];
let nextId = 1;
let owner = null;
const watchers = new Set();

/** The user and project uploads now belong to (the shell sets it for its scoped token). */
export function setUploadOwner(userId, projectId) {
  owner = `${userId}/${projectId}`;
}

/** Sign-out: cancels the uploads still running and forgets every upload of the tab. */
export function clearUploads() {
  const all = uploads;
  uploads = [];
  owner = null;
  all.forEach((u) => u.cancel());
  changed();
}

function changed() {
  uploads = [...uploads];
  watchers.forEach((fn) => fn(uploads));
}

/**
 * Starts a tracked upload. run(task) does the work: it reports with task.progress(done, total),
 * registers its cancel with task.onCancel(fn) and resolves when finished. kind groups the list
 * per panel ('object' / 'image'); target says where it goes.
 */
export function startUpload(kind, name, target, total, run) {
  const cancels = [];
  const task = {
    id: nextId++, owner, kind, name, target, done: 0, total, state: 'running', error: null,
    progress(done, of) {
      task.done = done;
      if (of) task.total = of;
      changed();
    },
    onCancel(fn) { cancels.push(fn); },
    cancelled: false,
    cancel() {
      if (task.state !== 'running') return;
      task.cancelled = true;
      cancels.forEach((fn) => fn());
    },
    dismiss() {
      uploads = uploads.filter((u) => u !== task);
      changed();
    },
  };
  uploads.push(task);
  changed();
  Promise.resolve().then(() => run(task)).then(() => {
    task.state = 'done';
    task.done = task.total;
    changed();
    setTimeout(() => task.dismiss(), 4000);
  }, (e) => {
    task.state = task.cancelled || e.aborted ? 'cancelled' : 'failed';
    task.error = task.state === 'cancelled' ? null : e;
    changed();
    if (task.state === 'cancelled') setTimeout(() => task.dismiss(), 4000);
  });
  return task;
}

export function useUploads(kind) {
  const [list, setList] = useState(uploads);
  useEffect(() => {
    watchers.add(setList);
    return () => watchers.delete(setList);
  }, []);
  return list.filter((u) => u.kind === kind && u.owner === owner);
}
