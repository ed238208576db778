// The dashboard's panels, in menu order. Adding a panel (Compute, Network, ...) is one step:
// write panels/<name>.js exporting {id, title, adminOnly, feed, component, usage?} and list it here.
//   id        short name, also the URL hash (#compute)
//   adminOnly shown only to tokens with the admin role (the API refuses the others anyway)
//   component Preact component, called with {session, api, access, panels}; access = {admin, write,
//             read, roles, project} from roles.js: offer write actions only when access.write
//   usage     optional async (api, session) => [{service_type, resource_name, used, unit?}] for Overview
//             (unit 'bytes' shows sizes as KiB, MiB...)
import overview from './overview.js';
import identity from './identity.js';
import profile from './profile.js';
import objectStore from './objectstore.js';
import images from './images.js';
import compute from './compute.js';

export const panels = [overview, compute, objectStore, images, identity, profile];
