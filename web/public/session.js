// @ts-check
// The signed-in user and the organization the pages work in: the portal's only shared state.
import { computed, signal } from '@preact/signals';
import { client, csrfToken, get, onSignedOut } from './api.js';

/** @typedef {import('../types/api').components['schemas']['MeResponse']} Me */
/** @typedef {import('../types/api').components['schemas']['MembershipResponse']} Membership */

/** `undefined` while loading; `null` when signed out. @type {import('@preact/signals').Signal<Me | null | undefined>} */
export const me = signal(undefined);

const ORG_KEY = 'tollgate.org';

/** The chosen organization's id (kept for this browser tab). */
export const orgId = signal(sessionStorage.getItem(ORG_KEY) || '');

/** The membership of the chosen organization (the first one when none was chosen). */
export const membership = computed(() => {
  const list = me.value?.memberships || [];
  return list.find((m) => m.org_id === orgId.value) || list[0] || null;
});

/** What the user may see: publisher pages, admin pages, operator-wide views. */
export const roles = computed(() => {
  const m = membership.value;
  const operator = !!me.value?.memberships.some((x) => x.operator && x.role === 'admin');
  return {
    publisher: !!m && (m.role === 'publisher' || m.role === 'admin'),
    admin: !!m && m.role === 'admin',
    developer: !!m,
    operator,
  };
});

/** @param {string} id */
export function chooseOrg(id) {
  orgId.value = id;
  sessionStorage.setItem(ORG_KEY, id);
}

/** Reads the session from the server (`GET /api/v1/me`); a 401 means signed out. */
export async function loadSession() {
  // Without the CSRF cookie there is no session to ask about.
  if (!csrfToken()) {
    me.value = null;
    return;
  }
  try {
    me.value = await get(client.GET('/api/v1/me'));
  } catch (e) {
    if (/** @type {{status?: number}} */ (e).status === 401) me.value = null;
    else throw e;
  }
}

onSignedOut.add(() => {
  me.value = null;
});
