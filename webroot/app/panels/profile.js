// Profile: who you are in this session, and changing your own password.
import { html, useState } from '../lib.js';
import { Form, Notice } from '../ui.js';

function Profile({ session, api, onSignOut }) {
  const t = session.scoped;
  const [done, setDone] = useState(false);
  const change = async (v) => {
    if (v.password !== v.confirm) throw new Error('The new passwords do not match.');
    await api.post(`/identity/v3/users/${t.user.id}/password`,
      { user: { original_password: v.original, password: v.password } });
    setDone(true);
  };
  return html`<section>
    <h1>Profile</h1>
    <div class="cards">
      <div class="card">
        <h2>Session</h2>
        <dl class="facts">
          <dt>User</dt><dd>${t.user.name} <span class="muted">(${t.user.domain?.name || ''})</span></dd>
          <dt>User id</dt><dd><code>${t.user.id}</code></dd>
          <dt>Project</dt><dd>${t.project.name}</dd>
          <dt>Roles</dt><dd>${t.roles.join(', ')}</dd>
          <dt>Session ends</dt><dd>${new Date(t.expires_at).toLocaleString()}</dd>
        </dl>
      </div>
      <div class="card">
        <h2>Change password</h2>
        ${done ? html`<${Notice}>Your password was changed and your tokens were revoked. Sign in again with the new password.
            <div class="actions"><button onClick=${onSignOut}>Sign in again</button></div><//>`
          : html`<${Form} submitLabel="Change password" onSubmit=${change} fields=${[
              { name: 'original', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' },
              { name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password' },
              { name: 'confirm', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' },
            ]} />`}
      </div>
    </div>
  </section>`;
}

export default { id: 'profile', title: 'Profile', adminOnly: false, component: Profile };
