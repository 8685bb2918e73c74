// @ts-check
// An organization's audit log: who changed what, when, filtered by action, actor, kind of
// object and time, oldest first, paged with the server's cursor. The filters live in the
// address, so a link or a reload keeps them.
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame, useAdminOrg } from '../../components/admin-frame.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Empty, ErrorState, Loading } from '../../components/states.js';
import { formatDateTime, t } from '../../i18n.js';
import { client, get } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['AuditEntryResponse']} Entry */

const FILTERS = /** @type {const} */ (['action', 'actor_id', 'target_type', 'since', 'until']);
/** @typedef {Record<typeof FILTERS[number], string>} Filters */

/** A `datetime-local` value as RFC 3339 (UTC), or undefined. @param {string} local */
const toInstant = (local) => (local ? new Date(local).toISOString() : undefined);

/** @param {import('../../router.js').PageProps} props */
export default function Audit({ query }) {
  const org = useAdminOrg(query);
  /** @type {Filters} */
  const initial = { action: '', actor_id: '', target_type: '', since: '', until: '' };
  for (const f of FILTERS) initial[f] = query.get(f) || '';
  const [draft, setDraft] = useState(initial);
  const [applied, setApplied] = useState(initial);
  const list = usePaged((cursor) => get(client.GET('/api/v1/orgs/{org_id}/audit-log', {
    params: {
      path: { org_id: org.id },
      query: {
        action: applied.action || undefined,
        actor_id: applied.actor_id || undefined,
        target_type: applied.target_type || undefined,
        since: toInstant(applied.since),
        until: toInstant(applied.until),
        limit: 50,
        cursor,
      },
    },
  })), [org.id, JSON.stringify(applied)]);

  /** @param {SubmitEvent} event */
  const apply = (event) => {
    event.preventDefault();
    const params = new URLSearchParams(window.location.search);
    for (const f of FILTERS) {
      if (draft[f].trim()) params.set(f, draft[f].trim());
      else params.delete(f);
    }
    history.replaceState(null, '', `${window.location.pathname}${params.size ? `?${params}` : ''}`);
    list.paging.reset();
    setApplied({ ...draft });
  };
  /** @param {typeof FILTERS[number]} key */
  const bind = (key) => (/** @type {Event} */ e) => setDraft({ ...draft, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });
  const filtered = FILTERS.some((f) => applied[f]);

  /** @type {import('../../components/table.js').Column<Entry>[]} */
  const columns = [
    { key: 'at', label: t('audit.at'), cell: (x) => html`<time datetime=${x.at}>${formatDateTime(x.at)}</time>`, sort: (x) => x.at },
    { key: 'actor', label: t('audit.actor'), cell: (x) => x.actor_email || t('audit.system'), sort: (x) => x.actor_email || '' },
    { key: 'action', label: t('audit.action'), cell: (x) => html`<code>${x.action}</code>`, sort: (x) => x.action },
    { key: 'target', label: t('audit.target'), cell: (x) => html`${x.target_type} <code class="id">${x.target_id}</code>`, sort: (x) => x.target_type },
    { key: 'details', label: t('audit.details'), cell: (x) => (Object.keys(x.details || {}).length ? html`<code class="details">${JSON.stringify(x.details)}</code>` : '') },
  ];

  return html`<${AdminFrame} tab="/admin/audit" title=${t('audit.title')} org=${org}>
    <form class="filters" role="search" aria-label=${t('audit.filters')} onSubmit=${apply}>
      <label>${t('audit.action')}<input type="text" name="action" placeholder="member.added" value=${draft.action} onInput=${bind('action')} /></label>
      <label>${t('audit.target_type')}<input type="text" name="target_type" placeholder="user" value=${draft.target_type} onInput=${bind('target_type')} /></label>
      <label>${t('audit.actor_id')}<input type="text" name="actor_id" value=${draft.actor_id} onInput=${bind('actor_id')} /></label>
      <label>${t('audit.since')}<input type="datetime-local" name="since" value=${draft.since} onInput=${bind('since')} /></label>
      <label>${t('audit.until')}<input type="datetime-local" name="until" value=${draft.until} onInput=${bind('until')} /></label>
      <button type="submit" class="primary">${t('audit.apply')}</button>
    </form>
    ${list.error ? html`<${ErrorState} error=${list.error} hint=${t('error.forbidden_admin_hint')} />` : !list.page ? html`<${Loading} />` : list.page.items.length
      ? html`<${DataTable} caption=${t('audit.title')} columns=${columns} rows=${list.page.items} rowKey=${(/** @type {Entry} */ x) => x.id} />${list.pager()}`
      : html`<${Empty} title=${filtered ? t('audit.none_found') : t('audit.none')} />`}
  <//>`;
}
