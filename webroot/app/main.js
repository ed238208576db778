// The dashboard shell: sign-in, project choice, the menu of panels, the live feed.
import { html, render, useState, useEffect, useMemo, useCallback } from './lib.js';
import { boundApi, onBusyChange } from './api.js';
import { loadSession, saveSession, login, scopeTo, logout, listProjects, revoke } from './session.js';
import { accessOf, explainRefusal, actionOf, mainRole } from './roles.js';
import { startFeed, stopFeed, resetFeed, onFeedStatus, feedStatus } from './feed.js';
import { setUploadOwner, clearUploads } from './transfer.js';
import { panels } from './panels/index.js';
import { parseHash } from './route.js';
import { ErrorNote, Spinner, Notice, Announcements, clearAnnouncements, Dialog, Form } from './ui.js';

/** The tab's title follows what it shows. */
function useTitle(title) {
  useEffect(() => { document.title = title ? `${title} · VertStack` : 'VertStack'; }, [title]);
}

function ProgressLine() {
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let timer;
    const off = onBusyChange((b) => {
      clearTimeout(timer);
      // only for calls that take a moment: quick ones would only flicker
      if (b) timer = setTimeout(() => setBusy(true), 150);
      else setBusy(false);
    });
    return () => { off(); clearTimeout(timer); };
  }, []);
  return html`<div class=${`progress ${busy ? 'on' : ''}`} role="progressbar" aria-hidden=${!busy}></div>`;
}

function LiveBadge() {
  const [status, setStatus] = useState(feedStatus());
  useEffect(() => onFeedStatus(setStatus), []);
  const label = { live: 'Live', connecting: 'Connecting…', offline: 'Offline' }[status];
  return html`<span class=${`live ${status}`} id="feed-status" title="Live updates">${label}</span>`;
}

function Login({ onSession, notice }) {
  useTitle('Sign in');
  const [form, setForm] = useState({ username: '', password: '', domain: 'Default' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSession(await login(form.username, form.password, form.domain));
    } catch (err) {
      setError(err.status === 401 ? 'The user name, password or domain is not correct.' : err);
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="card login-card" onSubmit=${submit} id="login-form">
      <div class="brand big"><img src="/favicon.svg" alt="" />VertStack</div>
      <p class="muted">Sign in to your cloud</p>
      ${notice && html`<div class="notice">${notice}</div>`}
      <label><span>User name</span><input name="username" autocomplete="username" required value=${form.username} onInput=${set('username')} /></label>
      <label><span>Password</span><input name="password" type="password" autocomplete="current-password" required value=${form.password} onInput=${set('password')} /></label>
      <label><span>Domain</span><input name="domain" required value=${form.domain} onInput=${set('domain')} /></label>
      <${ErrorNote} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}

function ProjectChooser({ session, onPick, onSignOut, error }) {
  useTitle('Choose a project');
  return html`<main class="login">
    <div class="card login-card" id="project-chooser">
      <h2>Choose a project</h2>
      ${session.projects.length === 0
        ? html`<p>You have no role on any project. Ask an administrator to add you to one.</p>`
        : html`<ul class="choices">${session.projects.map((p) => html`<li>
            <button class="secondary wide" data-project=${p.name} onClick=${() => onPick(p.id)}>${p.name}</button></li>`)}</ul>`}
      <${ErrorNote} error=${error} />
      <button class="link" onClick=${onSignOut}>Sign out</button>
    </div>
  </main>`;
}

/** Said in place of a panel the caller's roles do not open (e.g. #identity typed by a member). */
function Refused({ panel, access }) {
  return html`<section>
    <h1>${panel.title}</h1>
    <${Notice}>The ${panel.title} panel needs an administrator. Your role in project ${access.project.name} is
      ${' '}${mainRole(access.roles)}.<//>
  </section>`;
}

/** How long before the session ends the page says so. */
const WARN_BEFORE_MS = 5 * 60 * 1000;

/**
 * Said a few minutes before the session's tokens expire, with a way to stay: the password again
 * (a token made from a token keeps the old expiry, as in Keystone), then the same project.
 */
function ExpiryWarning({ session, onRenew }) {
  const ends = Math.min(Date.parse(session.base.expires_at), Date.parse(session.scoped.expires_at));
  const [now, setNow] = useState(Date.now());
  const [asking, setAsking] = useState(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 10000);
    return () => clearInterval(timer);
  }, []);
  const left = ends - now;
  if (Number.isNaN(left) || left > WARN_BEFORE_MS) return null;
  const minutes = Math.max(0, Math.ceil(left / 60000));
  return html`<div class="notice expiry" id="expiry-warning" role="alert">
    Your session ends ${minutes <= 1 ? 'within a minute' : `in ${minutes} minutes`}.
    <button class="small" id="stay-signed-in" onClick=${() => setAsking(true)}>Stay signed in</button>
    ${asking && html`<${Dialog} title="Stay signed in" onClose=${() => setAsking(false)}>
      <${Form} submitLabel="Continue" onCancel=${() => setAsking(false)}
        fields=${[{ name: 'password', label: `Password of ${session.base.user.name}`, type: 'password', required: true, autocomplete: 'current-password' }]}
        onSubmit=${async (v) => { await onRenew(v.password); setAsking(false); }} />
    <//>`}
  </div>`;
}

function Shell({ session, onSwitch, onSignOut, onExpired, onRenew }) {
  const access = accessOf(session);
  const admin = access.admin;
  const visible = panels.filter((p) => admin || !p.adminOnly);
  const fromHash = () => panels.find((p) => p.id === parseHash().panel)?.id || visible[0].id;
  const [current, setCurrent] = useState(fromHash);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    const onHash = () => { setCurrent(fromHash()); setMenuOpen(false); };
    addEventListener('hashchange', onHash);
    addEventListener('popstate', onHash); // Back through the views a panel pushed (route.js)
    return () => { removeEventListener('hashchange', onHash); removeEventListener('popstate', onHash); };
  }, [admin]);
  const api = useMemo(() => boundApi(session.scoped.id, onExpired,
    (e, method, action) => explainRefusal(e, session, action || actionOf(method))), [session.scoped.id]);
  // uploads shown are this user's in this project
  setUploadOwner(session.scoped.user.id, session.scoped.project.id);
  useEffect(() => {
    startFeed(session.scoped.id, admin, onExpired);
    return stopFeed;
  }, [session.scoped.id]);
  const asked = panels.find((p) => p.id === current);
  const refused = asked && asked.adminOnly && !admin;
  const panel = refused ? asked : visible.find((p) => p.id === current) || visible[0];
  const Panel = panel.component;
  useTitle(`${panel.title} · ${session.scoped.project.name}`);
  return html`<div class=${`shell ${menuOpen ? 'menu-open' : ''}`}>
    <header class="topbar">
      <button class="secondary small menu-toggle" id="menu-toggle" aria-controls="main-menu" aria-expanded=${menuOpen}
        onClick=${() => setMenuOpen(!menuOpen)}>Menu</button>
      <div class="brand"><img src="/favicon.svg" alt="" /><span class="brand-name">VertStack</span></div>
      <label class="switcher"><span class="switcher-label">Project</span>
        <select id="project-switcher" aria-label="Project" value=${session.scoped.project.id} onChange=${(e) => onSwitch(e.target.value)}>
          ${session.projects.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
        </select>
      </label>
      <div class="spacer"></div>
      <${LiveBadge} />
      <span class="who" id="whoami">${session.scoped.user.name}${admin ? html` <span class="tag">admin</span>` : ''}</span>
      <button class="secondary small" id="sign-out" onClick=${onSignOut}>Sign out</button>
    </header>
    <nav class="sidebar" id="main-menu" aria-label="Panels">
      ${visible.map((p) => html`<a href=${`#${p.id}`} data-panel=${p.id} class=${p.id === panel.id ? 'active' : ''}
        aria-current=${p.id === panel.id ? 'page' : undefined} onClick=${() => setMenuOpen(false)}>${p.title}</a>`)}
    </nav>
    <main class="content" key=${session.scoped.project.id + panel.id}>
      <${ExpiryWarning} key=${session.scoped.id} session=${session} onRenew=${onRenew} />
      ${refused ? html`<${Refused} panel=${panel} access=${access} />`
        : html`<${Panel} session=${session} api=${api} access=${access} panels=${panels} onSignOut=${onSignOut} />`}
    </main>
  </div>`;
}

function App() {
  const [session, setSession] = useState(loadSession);
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const [switching, setSwitching] = useState(false);
  const update = (s) => {
    saveSession(s);
    setSession(s);
  };
  const signOut = useCallback(async (message) => {
    resetFeed();
    // nothing of this session may show for the next user of the tab
    clearUploads();
    clearAnnouncements();
    const s = loadSession();
    update(null);
    setError(null);
    setSwitching(false);
    history.replaceState(null, '', location.pathname);
    setNotice(typeof message === 'string' ? message : null);
    await logout(s);
  }, []);
  const expired = useCallback(() => signOut('Your session ended. Please sign in again.'), [signOut]);
  const pick = async (projectId) => {
    setSwitching(true);
    setError(null);
    try {
      const fresh = { ...session, projects: await listProjects(session.base.id) };
      const next = await scopeTo(fresh, projectId);
      if (session.scoped) {
        // the old feed goes first, so that revoking its token does not read as "session ended"
        stopFeed();
        revoke(session.scoped.id, session.base.id);
      }
      update(next);
    } catch (e) {
      if (e.status === 401) expired();
      else setError(e);
    } finally {
      setSwitching(false);
    }
  };
  // A fresh log-in for the same user and project; the old tokens are revoked once replaced.
  const renew = async (password) => {
    const user = session.base.user;
    let fresh;
    try {
      fresh = await login(user.name, password, (user.domain && user.domain.name) || 'Default');
    } catch (e) {
      throw e.status === 401 ? new Error('The password is not correct.') : e;
    }
    const next = await scopeTo(fresh, session.scoped.project.id);
    stopFeed();
    update(next);
    revoke(session.scoped.id, session.scoped.id);
    revoke(session.base.id, session.base.id);
  };
  // Straight into the only project, or the user's default one.
  useEffect(() => {
    if (session && !session.scoped && session.projects.length > 0) {
      const preferred = session.projects.find((p) => p.id === session.base.default_project_id);
      if (session.projects.length === 1 || preferred) pick((preferred || session.projects[0]).id);
    }
  }, [session && session.base.id, session && session.scoped]);

  let view;
  if (!session) view = html`<${Login} notice=${notice} onSession=${(s) => { setNotice(null); update(s); }} />`;
  else if (!session.scoped) view = switching ? html`<main class="login"><${Spinner} label="Opening the project…" /></main>`
    : html`<${ProjectChooser} session=${session} onPick=${pick} onSignOut=${signOut} error=${error} />`;
  else view = html`<${Shell} session=${session} onSwitch=${pick} onSignOut=${signOut} onExpired=${expired} onRenew=${renew} />
    ${error && html`<div class="toast"><${ErrorNote} error=${error} onDismiss=${() => setError(null)} /></div>`}`;
  return html`<${ProgressLine} />${view}<${Announcements} />`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "Loading" placeholder: Preact adds to a container, it does not replace it
render(html`<${App} />`, root);
