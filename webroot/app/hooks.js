// Data loading for panels: a loader with loading/error state that reloads itself when the
// live feed reports a change to one of the named resource types (no polling).
import { useState, useEffect, useCallback, useRef } from './lib.js';
import { useFeed } from './feed.js';

/** options.project: the list shows that project's resources only (see useFeed). */
export function useLiveData(loader, deps, feedPrefixes = [], options = {}) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    loader().then(
      (data) => mine === generation.current && setState({ data, error: null, loading: false }),
      (error) => mine === generation.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
  }, deps);
  useEffect(reload, [reload]);
  // Several events in a burst cost one reload. The timer calls the latest loader: the panel's
  // filters may have changed since the event came, and a reload with the old ones would win.
  const latest = useRef(reload);
  latest.current = reload;
  const pending = useRef(null);
  useFeed(feedPrefixes, () => {
    if (pending.current) return;
    pending.current = setTimeout(() => { pending.current = null; latest.current(); }, 80);
  }, options);
  useEffect(() => () => clearTimeout(pending.current), []);
  return { ...state, reload };
}
