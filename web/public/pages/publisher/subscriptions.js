// @ts-check
// Subscriptions to the organization's APIs: the pending approvals inbox first (approve, or
// reject with a reason), then every subscription by state, with block and unblock.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { DataTable, Pager, useCursor } from '../../components/table.js';
import { Dialog } from '../../components/dialog.js';
import { Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { client, get, send } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['SubscriptionResponse']} Subscription */

/** @type {('PENDING' | 'ACTIVE' | 'BLOCKED' | 'REJECTED' | 'ENDED')[]} */
const STATES = ['PENDING', 'ACTIVE', 'BLOCKED', 'REJECTED', 'ENDED'];

/** @param {import('../../router.js').PageProps} props */
export default function Subscriptions({ query }) {
  const org = membership.value?.org_id || '';
  const [state, setState] = useState(query.get('state') || 'PENDING');
  const paging = useCursor();
  const [page, setPage] = useState(/** @type {{ items: Subscription[], next_cursor?: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [asking, setAsking] = useState(/** @type {{ sub: Subscription, action: 'reject' | 'block' } | null} */ (null));
  const [reason, setReason] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    setPage(null);
    get(client.GET('/api/v1/orgs/{org_id}/subscriptions', { params: { path: { org_id: org }, query: { state, limit: 50, cursor: paging.cursor } } })).then(
      (data) => live && setPage(data),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [org, state, paging.cursor, version]);

  /** @param {Subscription} sub @param {'approve' | 'reject' | 'block' | 'unblock'} action @param {string} [why] */
  const act = async (sub, action, why = '') => {
    setActionError(null);
    const path = { params: { path: { subscription_id: sub.id } } };
    try {
      if (action === 'approve') await send(client.POST('/api/v1/subscriptions/{subscription_id}/approve', path));
      else if (action === 'unblock') await send(client.POST('/api/v1/subscriptions/{subscription_id}/unblock', path));
      else if (action === 'reject') await send(client.POST('/api/v1/subscriptions/{subscription_id}/reject', { ...path, body: { reason: why } }));
      else await send(client.POST('/api/v1/subscriptions/{subscription_id}/block', { ...path, body: { reason: why } }));
      toast(t(`subscriptions.done_${action}`, { app: sub.application_name, api: sub.api_name }));
      setAsking(null);
      setReason('');
      setVersion(version + 1);
    } catch (e) {
      setActionError(e);
    }
  };

  /** @type {import('../../components/table.js').Column<Subscription>[]} */
  const columns = [
    { key: 'app', label: t('subscriptions.application'), cell: (s) => s.application_name, sort: (s) => s.application_name },
    { key: 'api', label: t('subscriptions.api'), cell: (s) => html`<a href=${`/publisher/apis/${s.api_id}`}>${s.api_name}</a> ${s.api_version}`, sort: (s) => s.api_name },
    { key: 'since', label: t('subscriptions.since'), cell: (s) => html`<time datetime=${s.created_at}>${formatDateTime(s.created_at)}</time>`, sort: (s) => s.created_at },
    { key: 'reason', label: t('subscriptions.reason'), cell: (s) => s.reason },
    {
      key: 'actions', label: t('subscriptions.actions'), cell: (s) => html`<div class="actions">
        ${s.state === 'PENDING' ? html`<button type="button" class="primary" onClick=${() => act(s, 'approve')}>${t('subscriptions.approve')}<span class="visually-hidden"> ${s.application_name}</span></button>
          <button type="button" onClick=${() => setAsking({ sub: s, action: 'reject' })}>${t('subscriptions.reject')}<span class="visually-hidden"> ${s.application_name}</span></button>` : null}
        ${s.state === 'ACTIVE' ? html`<button type="button" onClick=${() => setAsking({ sub: s, action: 'block' })}>${t('subscriptions.block')}<span class="visually-hidden"> ${s.application_name}</span></button>` : null}
        ${s.state === 'BLOCKED' ? html`<button type="button" onClick=${() => act(s, 'unblock')}>${t('subscriptions.unblock')}<span class="visually-hidden"> ${s.application_name}</span></button>` : null}
      </div>`,
    },
  ];

  return html`<section>
    <h1 tabindex="-1">${t('subscriptions.title')}</h1>
    <div class="filters">
      <label>${t('subscriptions.state')}
        <select value=${state} onChange=${(/** @type {Event} */ e) => { setState(/** @type {HTMLSelectElement} */ (e.currentTarget).value); paging.reset(); }}>
          ${STATES.map((s) => html`<option value=${s}>${t(`subscription_state.${s}`)}</option>`)}
        </select>
      </label>
    </div>
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p></div>` : null}
    ${error ? html`<${ErrorState} error=${error} />` : !page ? html`<${Loading} />` : page.items.length
      ? html`<${DataTable} caption=${t('subscriptions.title')} columns=${columns} rows=${page.items} rowKey=${(/** @type {Subscription} */ s) => s.id} />
        <${Pager} page=${paging.page} next=${page.next_cursor} onNext=${() => page.next_cursor && paging.forward(page.next_cursor)} onBack=${paging.back} />`
      : html`<${Empty} title=${state === 'PENDING' ? t('subscriptions.inbox_empty') : t('subscriptions.none')} />`}
    <${Dialog} open=${!!asking} title=${asking ? t(`subscriptions.ask_${asking.action}`, { app: asking.sub.application_name, api: asking.sub.api_name }) : ''} onClose=${() => setAsking(null)}>
      <form onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); if (asking) act(asking.sub, asking.action, reason); }}>
        <${Field} id="action-reason" label=${t('subscriptions.reason_label')} hint=${t('subscriptions.reason_hint')}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${reason} onInput=${(/** @type {Event} */ e) => setReason(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
        <div class="actions">
          <button type="submit" class="primary">${asking ? t(`subscriptions.${asking.action}`) : ''}</button>
          <button type="button" onClick=${() => setAsking(null)}>${t('dialog.cancel')}</button>
        </div>
      </form>
    <//>
  </section>`;
}
