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
  if (text && text.length < 300 && !text.trimStart().startsWith('<')) return text.trim();
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
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
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

/** An API bound to a token; onUnauthorized is told when the token stops working (401). */
export function boundApi(token, onUnauthorized) {
  const send = async (method, path, body, headers) => {
    try {
      return (await call(method, path, { token, body, headers })).data;
    } catch (e) {
      if (e.status === 401 && onUnauthorized) onUnauthorized(e);
      throw e;
    }
  };
  return {
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    patch: (path, body) => send('PATCH', path, body),
    del: (path, headers) => send('DELETE', path, undefined, headers),
  };
}
