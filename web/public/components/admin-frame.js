// @ts-check
// What the admin pages share: the heading, the tabs a role may use, and the organization the
// page works on. An organization's admin works on the organization chosen in the header;
// operator admins may pick any organization (`?org=` in the address, so a link keeps it).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../i18n.js';
import { client, get } from '../api.js';
import { membership, roles } from '../session.js';
import { location, navigate } from '../router.js';

/** @typedef {import('../../types/api').components['schemas']['OrgResponse']} Org */

/** @type {[string, import('../i18n.js').MessageKey, 'admin' | 'any' | 'operator'][]} */
const TABS = [
  ['/admin', 'admin.tab_orgs', 'admin'],
  ['/admin/members', 'admin.tab_members', 'admin'],
  ['/admin/audit', 'admin.tab_audit', 'admin'],
  ['/admin/webhooks', 'admin.tab_webhooks', 'admin'],
  ['/admin/tokens', 'admin.tab_tokens', 'any'],
  ['/admin/gateway', 'admin.tab_gateway', 'operator'],
  ['/admin/signing-keys', 'admin.tab_keys', 'operator'],
  ['/admin/theme', 'admin.tab_theme', 'operator'],
];

/** The tabs the signed-in user may use. */
export function adminTabs() {
  const r = roles.value;
  return TABS.filter(([, , who]) => who === 'any' || (who === 'operator' ? r.operator : r.admin || r.operator));
}

/**
 * The organization an admin page works on: `?org=` for operators, else the one chosen in the
 * header. Operators also get the list of every organization for the picker.
 * @param {URLSearchParams} query
 */
export function useAdminOrg(query) {
  const operator = roles.value.operator;
  const asked = query.get('org');
  const id = (operator && asked) || membership.value?.org_id || '';
  const [orgs, setOrgs] = useState(/** @type {Org[]} */ ([]));
  useEffect(() => {
    if (!operator) return;
    get(client.GET('/api/v1/orgs', { params: { query: { limit: 200 } } })).then((data) => setOrgs(data.items), () => setOrgs([]));
  }, [operator]);
  return { id, orgs: operator ? orgs : [] };
}

/**
 * @param {{ tab: string, title: string, org?: { id: string, orgs: Org[] }, children?: import('preact').ComponentChildren }} props
 *   `org`: the page works on one organization (a picker is shown to operators).
 */
export function AdminFrame({ tab, title, org, children }) {
  const keep = org?.id && org.id !== membership.value?.org_id ? `?org=${encodeURIComponent(org.id)}` : '';
  return html`<section>
    <div class="page-head">
      <h1 tabindex="-1">${title}</h1>
      ${org && org.orgs.length > 1
        ? html`<div class="inline-field">
            <label for="admin-org">${t('admin.org_picker')}</label>
            <select id="admin-org" value=${org.id} onChange=${(/** @type {Event} */ e) => navigate(`${location.value.path}?org=${encodeURIComponent(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}`)}>
              ${org.orgs.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
            </select>
          </div>`
        : null}
    </div>
    <nav class="tabs" aria-label=${t('admin.tabs')}>
      <ul>
        ${adminTabs().map(([href, key, who]) => html`<li><a href=${who === 'admin' && href !== '/admin' ? href + keep : href} aria-current=${href === tab ? 'page' : undefined}>${t(key)}</a></li>`)}
      </ul>
    </nav>
    ${children}
  </section>`;
}

/**
 * A secret the server shows once (a token, a signing secret, a generated password), with a copy
 * button and the warning that it cannot be shown again. Focus moves to it, so that it is read.
 * @param {{ label: string, secret: string, onDone: () => void }} props
 */
export function OnceSecret({ label, secret, onDone }) {
  const [copied, setCopied] = useState(false);
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => box.current?.focus(), [secret]);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return html`<div class="once" role="region" aria-labelledby="once-title" tabindex="-1" ref=${box}>
    <h2 id="once-title">${label}</h2>
    <p>${t('admin.secret_once')}</p>
    <pre tabindex="0"><code data-testid="secret">${secret}</code></pre>
    <div class="actions">
      <button type="button" class="primary" onClick=${copy}>${copied ? t('code.copied') : t('admin.copy_secret')}</button>
      <button type="button" onClick=${onDone}>${t('admin.secret_stored')}</button>
    </div>
  </div>`;
}
