// Overview: what the project uses of each of its limits (Keystone unified limits; usage comes
// from the panels of the services that own the resources).
import { html } from '../lib.js';
import { useLiveData } from '../hooks.js';
import { Spinner, ErrorNote, UsageBar, Notice } from '../ui.js';

/** What a person calls each service and resource (the API's names stay in data attributes). */
const SERVICES = { compute: 'Compute', image: 'Images', 'object-store': 'Object store', identity: 'Identity', network: 'Network', volume: 'Volumes' };
const RESOURCES = {
  instances: 'Servers', cores: 'vCPUs', ram: 'RAM (MiB)', key_pairs: 'Key pairs', server_groups: 'Server groups',
  server_group_members: 'Members per server group', metadata_items: 'Metadata items per server',
  image_count_total: 'Images', image_size_total: 'Image storage', image_stage_total: 'Image staging area',
  image_count_uploading: 'Images uploading at once', bytes: 'Stored data', objects: 'Objects', containers: 'Containers',
};
const human = (table, key) => table[key] || key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

function Overview({ session, api, panels }) {
  const project = session.scoped.project;
  const { data, error, loading } = useLiveData(async () => {
    const [own, registered, catalog] = await Promise.all([
      api.get(`/identity/v3/limits?project_id=${encodeURIComponent(project.id)}`),
      api.get('/identity/v3/registered_limits'),
      api.get('/identity/v3/services'),
    ]);
    const services = Object.fromEntries(catalog.services.map((s) => [s.id, s]));
    const usage = {};
    for (const p of panels.filter((p) => p.usage)) {
      // a service that cannot say (down, or not in this cloud) leaves its bars "not reported"
      const reported = await p.usage(api, session).catch(() => []);
      for (const u of reported) usage[`${u.service_type}/${u.resource_name}`] = u;
    }
    // The project's own limit overrides the registered default of the same service and resource.
    const rows = new Map();
    for (const r of registered.registered_limits || []) {
      rows.set(`${r.service_id}/${r.resource_name}`, { ...r, limit: r.default_limit });
    }
    for (const l of own.limits || []) {
      rows.set(`${l.service_id}/${l.resource_name}`, { ...l, limit: l.resource_limit });
    }
    const limited = [...rows.values()].map((r) => {
      const type = services[r.service_id]?.type || 'other';
      const u = usage[`${type}/${r.resource_name}`];
      delete usage[`${type}/${r.resource_name}`];
      return { ...r, type, used: u ? u.used : null, unit: u && u.unit };
    });
    // usage that no limit covers is shown too, as unlimited
    const unlimited = Object.values(usage).map((u) => ({ type: u.service_type, resource_name: u.resource_name, limit: -1, used: u.used, unit: u.unit }));
    return [...limited, ...unlimited].sort((a, b) => (a.type + a.resource_name).localeCompare(b.type + b.resource_name));
  }, [project.id], ['identity.limit', 'identity.registered_limit', 'identity.service', 'compute.', 'network.', 'volume.', 'image.', 'object-store.']);

  const groups = {};
  for (const r of data || []) (groups[r.type] ||= []).push(r);
  return html`<section>
    <h1>Overview <span class="muted">${project.name}</span></h1>
    <${ErrorNote} error=${error} />
    ${loading && !data && html`<${Spinner} />`}
    ${data && data.length === 0 && html`<${Notice}>No limits are registered and no usage is reported for this project.<//>`}
    <div class="cards">
      ${Object.entries(groups).map(([type, rows]) => html`<div class="card" data-service=${type}>
        <h2>${human(SERVICES, type)}</h2>
        ${rows.map((r) => html`<${UsageBar} name=${r.resource_name} label=${human(RESOURCES, r.resource_name)} used=${r.used} limit=${r.limit} unit=${r.unit} />`)}
      </div>`)}
    </div>
  </section>`;
}

export default { id: 'overview', title: 'Overview', adminOnly: false, component: Overview };
