// The interactive serial console of a server: xterm.js (from npm, served by the node itself) on a
// WebSocket to /compute/v2.1/servers/{id}/serial-console, which the compute agent of the server's
// host joins to the guest's serial port. The token goes in the first message, never in the URL.
import { html, useState, useEffect, useRef } from './lib.js';
import { Dialog, ErrorNote, Notice } from './ui.js';

const CLOSED = {
  4000: 'The console refused the request.',
  4001: 'Your session ended: sign in again to use the console.',
  4003: 'Your role in this project cannot use the console.',
  4004: 'This server no longer exists.',
};

/** xterm's stylesheet, loaded the first time a console opens (the page does not need it before). */
function loadTerminalStyles() {
  if (document.getElementById('xterm-css')) return;
  const link = document.createElement('link');
  link.id = 'xterm-css';
  link.rel = 'stylesheet';
  link.href = '/vendor/xterm/css/xterm.css';
  document.head.appendChild(link);
}

/**
 * Runs fn while <style> elements that the code makes are stand-ins fed into constructed
 * stylesheets: xterm writes its computed styles (cell sizes, colours) into <style> elements, which
 * the page's Content-Security-Policy (style-src 'self', no inline styles) would refuse; a
 * constructed stylesheet is not an inline style. xterm only sets their textContent and removes them.
 */
function withConstructedStyles(fn) {
  const create = Document.prototype.createElement;
  Document.prototype.createElement = function createElement(name, ...rest) {
    if (String(name).toLowerCase() !== 'style') return create.call(this, name, ...rest);
    const stand = create.call(this, 'span', ...rest);
    stand.hidden = true;
    const sheet = new CSSStyleSheet();
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    let text = '';
    Object.defineProperty(stand, 'textContent', {
      get: () => text,
      set: (t) => { text = String(t); sheet.replaceSync(text); },
    });
    const remove = stand.remove.bind(stand);
    stand.remove = () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      remove();
    };
    return stand;
  };
  try {
    return fn();
  } finally {
    Document.prototype.createElement = create;
  }
}

export function SerialConsole({ api, base, server, onClose }) {
  const screen = useRef(null);
  const [state, setState] = useState({ phase: 'connecting', reason: null });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let term = null;
    let ws = null;
    let gone = false;
    (async () => {
      loadTerminalStyles();
      const { Terminal } = await import('@xterm/xterm');
      if (gone) return;
      term = withConstructedStyles(() => {
        const t = new Terminal({ cols: 80, rows: 24, cursorBlink: true, fontSize: 13, scrollback: 2000,
          screenReaderMode: true, theme: { background: '#0f172a', foreground: '#e2e8f0' } });
        t.open(screen.current);
        return t;
      });
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      ws = new WebSocket(`${scheme}://${location.host}${base}/servers/${encodeURIComponent(server.id)}/serial-console`);
      ws.binaryType = 'arraybuffer';
      let ready = false;
      ws.onopen = () => ws.send(JSON.stringify({ token: api.token }));
      ws.onmessage = (m) => {
        if (typeof m.data === 'string') {
          if (JSON.parse(m.data).type === 'ready') {
            ready = true;
            setState({ phase: 'open', reason: null });
            term.focus();
          }
        } else {
          term.write(new Uint8Array(m.data));
        }
      };
      const encoder = new TextEncoder();
      term.onData((d) => { if (ready && ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(d)); });
      term.onBinary((d) => {
        if (ready && ws.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(d, (c) => c.charCodeAt(0) & 0xff));
      });
      ws.onclose = (e) => {
        if (gone) return;
        if (e.code === 4001 && api.onUnauthorized) api.onUnauthorized(e);
        setState({ phase: 'closed', reason: CLOSED[e.code] || e.reason || 'The console connection was lost.' });
      };
    })().catch((err) => !gone && setState({ phase: 'closed', reason: err.message }));
    return () => {
      gone = true;
      if (ws) ws.close(1000, 'closed');
      if (term) term.dispose();
    };
  }, [server.id, attempt]);
  return html`<${Dialog} title=${`Console of ${server.name}`} onClose=${onClose} wide=${true}>
    <p class="field-hint">Keys typed here go to the guest's serial port, Esc and Tab too: close with the × button.</p>
    <div class="serial-console" id="serial-console" data-phase=${state.phase} ref=${screen}></div>
    ${state.phase === 'connecting' && html`<${Notice}>Connecting to the serial console…<//>`}
    ${state.phase === 'closed' && html`<${ErrorNote} error=${`Disconnected: ${state.reason}`} />
      <div class="actions"><button class="secondary" onClick=${() => { setState({ phase: 'connecting', reason: null }); setAttempt(attempt + 1); }}>Reconnect</button></div>`}
  <//>`;
}
