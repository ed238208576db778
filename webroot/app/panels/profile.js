// Profile: who you are in this session, and changing your own password.
import { html } from '../lib.js';
import { Form } from '../ui.js';
import { pauseFeed, resumeFeed } from '../feed.js';
import { call, ApiError } from '../api.js';

function Profile({ session, onSignOut }) {
  const t = session.scoped;
  const change = async (v) => {
    if (v.password !== v.confirm) throw new Error('The new passwords do not match.');
    // A new password revokes every token of the user, this session's too: that is expected here.
    pauseFeed();
    try {
      // not through the session's api: a 401 here means a wrong current password, not an ended session
      await call('POST', `/identity/v3/users/${t.user.id}/password`,
        { body: { user: { original_password: v.original, password: v.password } } });
    } catch (e) {
      resumeFeed();
      throw e.status === 401 ? new ApiError(401, 'The current password is not correct.') : e;
    }
    onSignOut('Your password was changed. Sign in with the new password.');
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
          <dt>Project id</dt><dd><code id="project-id">${t.project.id}</code>
            <span class="field-hint"> (give it to whoever shares an image with this project)</span></dd>
          <dt>Roles</dt><dd>${t.roles.join(', ')}</dd>
          <dt>Session ends</dt><dd>${new Date(t.expires_at).toLocaleString()}</dd>
        </dl>
      </div>
      <div class="card">
        <h2>Change password</h2>
        <${Form} submitLabel="Change password" onSubmit=${change} fields=${[
          { name: 'original', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' },
          { name: 'password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password' },
          { name: 'confirm', label: 'New password again', type: 'password', required: true, autocomplete: 'new-password' },
        ]} />
      </div>
    </div>
  </section>`;
}

export default { id: 'profile', title: 'Profile', adminOnly: false, component: Profile };
