// Calls to the public OpenStack REST APIs (the same ones the CLI uses), with readable errors.

/** An API call that failed: the HTTP status and the message the service gave. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Requests in flight, so the shell can show a progress indicator for anything slow.
let inFlight = 0;
const busyListeners = new Set();
function setBusy(delta) {
  inFlight += delta;
  busyListeners.forEach((fn) => fn(inFlight > 0));
}
export function onBusyChange(fn) {
  busyListeners.add(fn);
  return () => busyListeners.delete(fn);
}

/** The message of an OpenStack error body: Keystone, Nova, Neutron, Glance or plain text. */
export function errorMessage(status, body, text) {
  if (body && typeof body === 'object') {
    if (body.error && body.error.message) return body.error.message;
    if (body.NeutronError && body.NeutronError.message) return body.NeutronError.message;
    for (const value of Object.values(body)) {
      if (value && typeof value === 'object' && typeof value.message === 'string') return value.message;
    }
    if (typeof body.message === 'string') return body.message;
  }
  if (text) {
    // Swift answers with a tiny HTML page (<h1>reason</h1><p>message</p>), Glance with plain text
    // starting with the status line ("403 Forbidden\n\nmessage"): keep only the message.
    const para = /<p>([^<]{1,300})<\/p>/i.exec(text);
    if (para) return para[1].trim();
    const plain = text.replace(/^\d{3} [^\n]*\n+/, '').trim();
    if (plain && plain.length < 300 && !plain.startsWith('<')) return plain;
  }
  return `The request failed (HTTP ${status}).`;
}

/**
 * One HTTP call. Returns {data, headers, status}; throws ApiError on a non-2xx answer.
 * No cookies are sent or accepted: the token travels in X-Auth-Token only.
 */
export async function call(method, path, { token, body, headers = {} } = {}) {
  const init = {
    method,
    credentials: 'omit',
    cache: 'no-store',
    headers: { Accept: 'application/json', ...headers },
  };
  if (token) init.headers['X-Auth-Token'] = token;
  if (body !== undefined) {
    // a JSON body unless the caller names another type (e.g. Glance's JSON Patch media type)
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  setBusy(+1);
  try {
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, data, text));
    return { data, headers: res.headers, status: res.status };
  } finally {
    setBusy(-1);
  }
}

/**
 * An API bound to a token; onUnauthorized is told when the token stops working (401), and
 * explain(error, method) may put a refusal (403) in words for the caller's roles.
 */
export function boundApi(token, onUnauthorized, explain = (e) => e) {
  const full = async (method, path, body, headers) => {
    try {
      return await call(method, path, { token, body, headers });
    } catch (e) {
      if (e.status === 401 && onUnauthorized) onUnauthorized(e);
      throw explain(e, method);
    }
  };
  const send = async (method, path, body, headers) => (await full(method, path, body, headers)).data;
  return {
    token,
    onUnauthorized,
    /** The error in words for a named action (e.g. 'upload'), for calls made outside this API. */
    explain: (e, action) => explain(e, undefined, action),
    /** Any call, with the whole answer ({data, headers, status}): for headers-only APIs such as Swift's. */
    request: (method, path, { body, headers } = {}) => full(method, path, body, headers),
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    patch: (path, body, headers) => send('PATCH', path, body, headers),
    del: (path, headers) => send('DELETE', path, undefined, headers),
  };
}
