// Deep links: the URL's hash names the panel and what is open in it, so a reload or a shared link
// opens the same view: #compute/keypairs, #identity/users, #object-store/<container>/<folder/>.
// Each part after the panel is URI-encoded (a folder's slashes too).
import { useState, useEffect } from './lib.js';

/** {panel, parts} of the current URL. */
export function parseHash(hash = location.hash) {
  const [panel = '', ...rest] = hash.replace(/^#/, '').split('/');
  return { panel, parts: rest.map((p) => { try { return decodeURIComponent(p); } catch (e) { return p; } }) };
}

/**
 * The parts of the hash after a panel's id, and a function that opens other parts (a new history
 * entry, so Back returns to the previous view). Trailing empty parts are dropped.
 */
export function useRoute(panelId) {
  const read = () => { const h = parseHash(); return h.panel === panelId ? h.parts : []; };
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    addEventListener('hashchange', on);
    addEventListener('popstate', on);
    return () => { removeEventListener('hashchange', on); removeEventListener('popstate', on); };
  }, [panelId]);
  const go = (next) => {
    const kept = [...next];
    while (kept.length && (kept[kept.length - 1] === '' || kept[kept.length - 1] == null)) kept.pop();
    const hash = `#${[panelId, ...kept.map((p) => encodeURIComponent(p))].join('/')}`;
    if (hash !== location.hash) history.pushState(null, '', hash);
    setParts(kept);
  };
  return [parts, go];
}
