// @ts-check
// One webhook endpoint and its deliveries, newest first, by state: each delivery's attempts
// (when, how long, the receiver's status or the error) and the document sent; resend one (also
// a pending one: once the receiver is fixed, there is no need to wait for the next retry).
// The endpoint itself: edit it (If-Match: an edit over someone else's is refused, never lost),
// disable or enable it, delete it with its delivery log.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame } from '../../components/admin-frame.js';
import { SaveProblem } from '../../components/api-frame.js';
import { Dialog } from '../../components/dialog.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, formatNumber, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';
import { navigate } from '../../router.js';
import { WebhookFields } from './webhooks.js';

/** @typedef {import('../../../types/api').components['schemas']['WebhookResponse']} Webhook */
/** @typedef {import('../../../types/api').components['schemas']['DeliveryResponse']} Delivery */
/** @typedef {import('../../../types/api').components['schemas']['DeliveryDetailResponse']} DeliveryDetail */
/** @typedef {import('../../../types/api').components['schemas']['UpdateWebhookRequest']} WebhookChanges */
/** @typedef {import('./webhooks.js').WebhookForm & { enabled: boolean }} EditForm */

/** @param {Webhook} w @returns {EditForm} */
const toForm = (w) => ({ url: w.url, description: w.description, events: [...w.event_types], enabled: w.enabled });

const STATES = ['', 'pending', 'succeeded', 'failed'];

/** @param {{ id: string }} props */
function Attempts({ id }) {
  const [detail, setDetail] = useState(/** @type {DeliveryDetail | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    get(client.GET('/api/v1/webhooks/deliveries/{delivery_id}', { params: { path: { delivery_id: id } } })).then(setDetail, setError);
  }, [id]);
  if (error) return html`<${ErrorState} error=${error} />`;
  if (!detail) return html`<${Loading} />`;
  /** @typedef {DeliveryDetail['attempt_log'][number]} Attempt */
  /** @type {import('../../components/table.js').Column<Attempt>[]} */
  const columns = [
    { key: 'attempt', label: t('deliveries.attempt'), cell: (a) => a.attempt },
    { key: 'started', label: t('deliveries.started'), cell: (a) => html`<time datetime=${a.started_at}>${formatDateTime(a.started_at)}</time>` },
    { key: 'duration', label: t('deliveries.duration'), cell: (a) => t('deliveries.ms', { ms: formatNumber(a.duration_ms) }) },
    { key: 'status', label: t('deliveries.status'), cell: (a) => a.status_code ?? t('deliveries.no_response') },
    { key: 'error', label: t('deliveries.error'), cell: (a) => a.error || '' },
  ];
  return html`<div class="attempts" id=${`attempts-${id}`}>
    <h2>${t('deliveries.attempts_of', { event: detail.event_type })}</h2>
    ${detail.attempt_log.length
      ? html`<${DataTable} caption=${t('deliveries.attempts_of', { event: detail.event_type })} columns=${columns} rows=${detail.attempt_log} rowKey=${(/** @type {Attempt} */ a) => String(a.attempt)} />`
      : html`<p>${t('deliveries.no_attempts')}</p>`}
    <details>
      <summary>${t('deliveries.payload')}</summary>
      <pre tabindex="0"><code>${JSON.stringify(detail.payload, null, 2)}</code></pre>
    </details>
  </div>`;
}

/** @param {import('../../router.js').PageProps} props */
export default function WebhookPage({ params }) {
  const [read, setRead] = useState(/** @type {{ hook: Webhook, etag: string | null } | null} */ (null));
  const [hookError, setHookError] = useState(/** @type {unknown} */ (null));
  const [version, setVersion] = useState(0);
  const [form, setForm] = useState(/** @type {EditForm | null} */ (null));
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [endpointError, setEndpointError] = useState(/** @type {unknown} */ (null));
  const [state, setState] = useState('');
  const [open, setOpen] = useState(/** @type {string | null} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const hook = read?.hook || null;
  const problem = saveError instanceof ApiProblem ? saveError : null;
  useEffect(() => {
    setHookError(null);
    send(client.GET('/api/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: params.id } } })).then(({ data, etag }) => {
      setRead({ hook: data, etag });
      setForm(toForm(data));
    }, setHookError);
  }, [params.id, version]);
  /** Reads the endpoint again (after a stale edit): the form shows what is stored now. */
  const reload = () => {
    setSaveError(null);
    setEndpointError(null);
    setVersion(version + 1);
  };
  const back = hook ? `/admin/webhooks?org=${encodeURIComponent(hook.org_id)}` : '/admin/webhooks';

  /**
   * Changes the endpoint with the ETag it was read with (If-Match); answers the saved endpoint.
   * @param {WebhookChanges} changes
   */
  const patch = async (changes) => {
    if (!read) throw new Error('not loaded');
    const { data, etag } = await send(client.PATCH('/api/v1/webhooks/{webhook_id}', {
      params: { path: { webhook_id: read.hook.id } },
      headers: read.etag ? { 'If-Match': read.etag } : {},
      body: changes,
    }));
    setRead({ hook: data, etag });
    return data;
  };

  /** @param {SubmitEvent} event */
  const save = async (event) => {
    event.preventDefault();
    if (!form) return;
    setBusy(true);
    setSaveError(null);
    try {
      const data = await patch({ url: form.url.trim(), description: form.description.trim(), event_types: form.events, enabled: form.enabled });
      setForm(toForm(data));
      toast(t('webhooks.saved', { url: data.url }));
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  const toggle = async () => {
    if (!hook) return;
    setEndpointError(null);
    try {
      const data = await patch({ enabled: !hook.enabled });
      if (form) setForm({ ...form, enabled: data.enabled });
      toast(t(data.enabled ? 'webhooks.enabled_now' : 'webhooks.disabled_now', { url: data.url }));
    } catch (e) {
      setEndpointError(e);
    }
  };

  const remove = async () => {
    if (!hook) return;
    setEndpointError(null);
    try {
      await send(client.DELETE('/api/v1/webhooks/{webhook_id}', { params: { path: { webhook_id: hook.id } } }));
      setDeleting(false);
      toast(t('webhooks.deleted', { url: hook.url }));
      navigate(back);
    } catch (e) {
      setDeleting(false);
      setEndpointError(e);
    }
  };
  const list = usePaged((cursor) => get(client.GET('/api/v1/webhooks/{webhook_id}/deliveries', {
    params: { path: { webhook_id: params.id }, query: { state: state || undefined, limit: 50, cursor } },
  })), [params.id, state]);

  /** @param {Delivery} d */
  const resend = async (d) => {
    setActionError(null);
    try {
      await send(client.POST('/api/v1/webhooks/deliveries/{delivery_id}/resend', { params: { path: { delivery_id: d.id } } }));
      toast(t('deliveries.resent', { event: d.event_type }));
      list.paging.reset();
      list.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  /** @type {import('../../components/table.js').Column<Delivery>[]} */
  const columns = [
    { key: 'created', label: t('deliveries.created'), cell: (d) => html`<time datetime=${d.created_at}>${formatDateTime(d.created_at)}</time>`, sort: (d) => d.created_at },
    { key: 'event', label: t('deliveries.event'), cell: (d) => html`<code>${d.event_type}</code>${d.resent_from ? html` <span class="badge">${t('deliveries.resend_badge')}</span>` : null}`, sort: (d) => d.event_type },
    { key: 'state', label: t('deliveries.state'), cell: (d) => html`<span class=${`badge delivery-${d.state}`}>${t(`deliveries.state_${/** @type {'pending'} */ (d.state)}`)}</span>`, sort: (d) => d.state },
    { key: 'attempts', label: t('deliveries.attempts'), cell: (d) => formatNumber(d.attempts), sort: (d) => d.attempts },
    { key: 'last', label: t('deliveries.last_result'), cell: (d) => (d.last_status_code ? `HTTP ${d.last_status_code}` : d.last_error || '') },
    {
      key: 'actions', label: t('deliveries.actions'), cell: (d) => html`<div class="actions">
        <button type="button" aria-expanded=${open === d.id ? 'true' : 'false'} aria-controls=${open === d.id ? `attempts-${d.id}` : undefined} onClick=${() => setOpen(open === d.id ? null : d.id)}>${t('deliveries.show_attempts')}<span class="visually-hidden"> ${d.event_type} ${formatDateTime(d.created_at)}</span></button>
        <button type="button" onClick=${() => resend(d)}>${t('deliveries.resend')}<span class="visually-hidden"> ${d.event_type} ${formatDateTime(d.created_at)}</span></button>
      </div>`,
    },
  ];
  const rows = list.page?.items || [];

  return html`<${AdminFrame} tab="/admin/webhooks" title=${hook ? t('deliveries.title', { url: hook.url }) : t('webhooks.title')}>
    <p class="crumbs"><a href=${back}>${t('webhooks.back')}</a></p>
    ${hookError ? html`<${ErrorState} error=${hookError} hint=${t('error.forbidden_admin_hint')} />` : null}
    ${hook
      ? html`<div class="actions">
          <button type="button" onClick=${toggle}>${hook.enabled ? t('webhooks.disable') : t('webhooks.enable')}</button>
          <button type="button" onClick=${() => setDeleting(true)}>${t('webhooks.delete')}</button>
        </div>
        <dl class="facts">
          ${hook.description ? html`<dt>${t('webhooks.description')}</dt><dd>${hook.description}</dd>` : null}
          <dt>${t('webhooks.events')}</dt><dd>${hook.event_types.join(', ')}</dd>
          <dt>${t('webhooks.enabled')}</dt><dd>${hook.enabled ? t('webhooks.on') : html`${t('webhooks.off')} — ${t('webhooks.disabled_explained')}`}</dd>
          <dt>${t('webhooks.secret')}</dt><dd><code>${hook.secret_prefix}…</code>${hook.secret_rotated_at ? ` (${t('webhooks.rotated_at', { at: formatDateTime(hook.secret_rotated_at) })})` : ''}</dd>
        </dl>`
      : null}
    <${SaveProblem} error=${endpointError} reload=${reload} />
    ${hook && form
      ? html`<details class="preview">
          <summary>${t('webhooks.edit')}</summary>
          <p>${t('webhooks.edit_intro')}</p>
          <${SaveProblem} error=${saveError} reload=${reload} message=${problem?.errors.length ? t('webhooks.invalid') : null} />
          <form onSubmit=${save} novalidate class="narrow-form">
            <${WebhookFields} prefix="edit" value=${form} onChange=${(/** @type {Partial<EditForm>} */ changes) => setForm({ ...form, ...changes })} problem=${problem} />
            <div class="field check">
              <input id="edit-enabled" type="checkbox" aria-describedby="edit-enabled-hint" checked=${form.enabled}
                onChange=${(/** @type {Event} */ e) => setForm({ ...form, enabled: /** @type {HTMLInputElement} */ (e.currentTarget).checked })} />
              <label for="edit-enabled">${t('webhooks.send_events')}</label>
            </div>
            <p class="hint" id="edit-enabled-hint">${t('webhooks.disabled_explained')}</p>
            <button type="submit" class="primary" disabled=${busy}>${t('webhooks.save')}</button>
          </form>
        </details>
        <${Dialog} open=${deleting} title=${t('webhooks.ask_delete', { url: hook.url })} onClose=${() => setDeleting(false)}>
          <p>${t('webhooks.delete_explained')}</p>
          <div class="actions">
            <button type="button" class="primary" onClick=${remove}>${t('webhooks.delete')}</button>
            <button type="button" onClick=${() => setDeleting(false)}>${t('dialog.cancel')}</button>
          </div>
        <//>`
      : null}
    <h2>${t('deliveries.heading')}</h2>
    <div class="filters short">
      <label>${t('deliveries.state')}
        <select value=${state} onChange=${(/** @type {Event} */ e) => { setState(/** @type {HTMLSelectElement} */ (e.currentTarget).value); list.paging.reset(); }}>
          ${STATES.map((s) => html`<option value=${s}>${s ? t(`deliveries.state_${/** @type {'pending'} */ (s)}`) : t('deliveries.any_state')}</option>`)}
        </select>
      </label>
      <button type="button" onClick=${() => list.reload()}>${t('analytics.refresh')}</button>
    </div>
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p></div>` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} />` : !list.page ? html`<${Loading} />` : rows.length
      ? html`<${DataTable} caption=${t('deliveries.caption')} columns=${columns} rows=${rows} rowKey=${(/** @type {Delivery} */ d) => d.id} />
        ${open && rows.some((d) => d.id === open) ? html`<section class="preview" aria-label=${t('deliveries.attempts')}><${Attempts} key=${open} id=${open} /></section>` : null}
        ${list.pager()}`
      : html`<${Empty} title=${t('deliveries.none')} />`}
  <//>`;
}
