// The live feed: one WebSocket to /v1/events per scoped token. The token goes in the first
// message (never in the URL). After a drop it reconnects with the last cursor, so no event is
// missed; if the server says the cursor is too old ("reset"), listeners reload their lists.
import { useEffect, useRef } from './lib.js';

const listeners = new Set();
let current = null;

/** Status: 'connecting' | 'live' | 'offline'; status listeners get it on every change. */
const statusListeners = new Set();
let status = 'offline';
function setStatus(s) {
  status = s;
  statusListeners.forEach((fn) => fn(s));
}
export function feedStatus() { return status; }
export function onFeedStatus(fn) {
  statusListeners.add(fn);
  return () => statusListeners.delete(fn);
}

class Feed {
  constructor(token, allProjects, onUnauthorized) {
    this.token = token;
    this.allProjects = allProjects;
    this.onUnauthorized = onUnauthorized;
    this.cursor = null;
    this.retry = 0;
    this.stopped = false;
    this.open();
  }

  open() {
    setStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/v1/events`);
    this.ws = ws;
    ws.onopen = () => {
      const hello = { token: this.token, all_projects: this.allProjects };
      if (this.cursor !== null) hello.since = this.cursor;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = (e) => {
      if (this.stopped) return;
      setStatus('offline');
      if (e.code === 4001 || e.code === 4003) {
        this.stopped = true;
        this.onUnauthorized && this.onUnauthorized(e.reason);
        return;
      }
      // back off 0.5 s, 1 s, 2 s ... up to 15 s
      const delay = Math.min(15000, 500 * 2 ** this.retry++);
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  receive(msg) {
    if (msg.type === 'live') {
      this.retry = 0;
      if (this.cursor === null || msg.cursor > this.cursor) this.cursor = msg.cursor;
      setStatus('live');
    } else if (msg.type === 'reset') {
      this.cursor = msg.cursor;
      listeners.forEach((fn) => fn({ type: 'reset' }));
    } else if (msg.type === 'event') {
      if (this.cursor === null || msg.id > this.cursor) this.cursor = msg.id;
      listeners.forEach((fn) => fn(msg));
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'bye');
    setStatus('offline');
  }
}

/** Starts the feed for a scoped token (an admin sees every project's events). */
export function startFeed(token, allProjects, onUnauthorized) {
  stopFeed();
  current = new Feed(token, allProjects, onUnauthorized);
}

export function stopFeed() {
  if (current) current.stop();
  current = null;
}

/** Stops the feed for a moment (e.g. while our own tokens get revoked); resumeFeed() restarts it. */
let paused = null;
export function pauseFeed() {
  if (current) paused = [current.token, current.allProjects, current.onUnauthorized];
  stopFeed();
}
export function resumeFeed() {
  if (paused) startFeed(...paused);
  paused = null;
}

/** Sign-out: the feed stops and a paused one is forgotten (its token is the user's who left). */
export function resetFeed() {
  paused = null;
  stopFeed();
}

/**
 * Calls onEvent for each live event whose resource_type starts with one of the prefixes, and
 * for a "reset" (events were missed: reload). With a project, only that project's events (and
 * those of no project, such as flavors) count. Unsubscribes when the component goes away.
 */
export function useFeed(prefixes, onEvent, { project } = {}) {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const fn = (e) => {
      if (e.type === 'reset') return handler.current(e);
      // an admin's feed carries every project's events: a list of one project skips the others'
      if (project && e.project_id && e.project_id !== project) return undefined;
      if (prefixes.some((p) => (e.resource_type || '').startsWith(p))) handler.current(e);
      return undefined;
    };
    listeners.add(fn);
    return () => listeners.delete(fn);
  }, [prefixes.join(','), project]);
}
