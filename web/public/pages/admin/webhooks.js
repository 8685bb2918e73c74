// @ts-check
// An organization's webhooks, each shown enabled or not: register an endpoint (its signing
// secret is shown once), send it a test event, rotate its secret (the new one shown once), and
// go to its page (its deliveries; edit, disable or delete it there).
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame, OnceSecret, useAdminOrg } from '../../components/admin-frame.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['WebhookResponse']} Webhook */

/** The event types an endpoint may subscribe to (src/domain/webhook.rs). */
const EVENT_TYPES = ['invoice.finalized', 'subscription.created', 'subscription.changed', 'subscription.ended', 'quota.reached'];

/** @typedef {{ url: string, description: string, events: string[] }} WebhookForm */

/**
 * The fields of an endpoint — URL, description, event types — each with the server's messages
 * for it (by the JSON pointer of the request body); shared by the register and edit forms.
 * @param {{ prefix: string, value: WebhookForm, onChange: (changes: Partial<WebhookForm>) => void, problem: ApiProblem | null }} props
 *   `prefix`: of the controls' ids, unique on the page.
 */
export function WebhookFields({ prefix, value, onChange, problem }) {
  const eventErrors = problem?.messagesFor('/event_types', { prefix: true }) || [];
  return html`<${Field} id=${`${prefix}-url`} label=${t('webhooks.url')} hint=${t('webhooks.url_hint')} errors=${problem?.messagesFor('/url') || []}>
      ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="url" value=${value.url} onInput=${(/** @type {Event} */ e) => onChange({ url: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
    <//>
    <${Field} id=${`${prefix}-description`} label=${t('webhooks.description')} errors=${problem?.messagesFor('/description') || []}>
      ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${value.description} onInput=${(/** @type {Event} */ e) => onChange({ description: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
    <//>
    <fieldset aria-describedby=${eventErrors.length ? `${prefix}-events-errors` : undefined}>
      <legend>${t('webhooks.events')}</legend>
      ${EVENT_TYPES.map((ev) => html`<div class="field check">
        <input id=${`${prefix}-event-${ev}`} type="checkbox" checked=${value.events.includes(ev)}
          onChange=${(/** @type {Event} */ e) => onChange({ events: /** @type {HTMLInputElement} */ (e.currentTarget).checked ? [...value.events, ev] : value.events.filter((x) => x !== ev) })} />
        <label for=${`${prefix}-event-${ev}`}><code>${ev}</code></label>
      </div>`)}
      ${eventErrors.length ? html`<ul class="field-errors" id=${`${prefix}-events-errors`}>${eventErrors.map((m) => html`<li>${m}</li>`)}</ul>` : null}
    </fieldset>`;
}

/** @param {import('../../router.js').PageProps} props */
export default function Webhooks({ query }) {
  const org = useAdminOrg(query);
  const list = usePaged((cursor) => get(client.GET('/api/v1/orgs/{org_id}/webhooks', { params: { path: { org_id: org.id }, query: { limit: 50, cursor } } })), [org.id]);
  const [form, setForm] = useState({ url: '', description: '', events: /** @type {string[]} */ ([...EVENT_TYPES]) });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [secret, setSecret] = useState(/** @type {{ label: string, secret: string } | null} */ (null));
  const [rotating, setRotating] = useState(/** @type {Webhook | null} */ (null));
  const [busy, setBusy] = useState(false);
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    try {
      const { data } = await send(client.POST('/api/v1/orgs/{org_id}/webhooks', {
        params: { path: { org_id: org.id } },
        body: { url: form.url.trim(), description: form.description.trim(), event_types: form.events },
      }));
      setSecret({ label: t('webhooks.created', { url: data.url }), secret: data.secret });
      setForm({ url: '', description: '', events: [...EVENT_TYPES] });
      list.reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @param {Webhook} w */
  const test = async (w) => {
    setActionError(null);
    try {
      await send(client.POST('/api/v1/webhooks/{webhook_id}/test', { params: { path: { webhook_id: w.id } } }));
      toast(t('webhooks.test_sent', { url: w.url }));
    } catch (e) {
      setActionError(e);
    }
  };

  /** @param {Webhook} w */
  const rotate = async (w) => {
    setActionError(null);
    try {
      const { data } = await send(client.POST('/api/v1/webhooks/{webhook_id}/rotate-secret', { params: { path: { webhook_id: w.id } } }));
      setSecret({ label: t('webhooks.rotated', { url: data.url }), secret: data.secret });
      list.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setRotating(null);
    }
  };

  /** @type {import('../../components/table.js').Column<Webhook>[]} */
  const columns = [
    { key: 'url', label: t('webhooks.url'), cell: (w) => html`<a href=${`/admin/webhooks/${w.id}`}><code>${w.url}</code></a>${w.description ? html`<br />${w.description}` : null}`, sort: (w) => w.url },
    { key: 'events', label: t('webhooks.events'), cell: (w) => html`<ul class="plain">${w.event_types.map((e) => html`<li><code>${e}</code></li>`)}</ul>` },
    { key: 'enabled', label: t('webhooks.enabled'), cell: (w) => (w.enabled ? t('webhooks.on') : t('webhooks.off')) },
    { key: 'secret', label: t('webhooks.secret'), cell: (w) => html`<code>${w.secret_prefix}…</code>` },
    {
      key: 'actions', label: t('webhooks.actions'), cell: (w) => html`<div class="actions">
        <a class="button" href=${`/admin/webhooks/${w.id}`}>${t('webhooks.deliveries')}<span class="visually-hidden"> ${w.url}</span></a>
        <button type="button" onClick=${() => test(w)}>${t('webhooks.test')}<span class="visually-hidden"> ${w.url}</span></button>
        <button type="button" onClick=${() => setRotating(w)}>${t('webhooks.rotate')}<span class="visually-hidden"> ${w.url}</span></button>
      </div>`,
    },
  ];

  return html`<${AdminFrame} tab="/admin/webhooks" title=${t('webhooks.title')} org=${org}>
    ${secret ? html`<${OnceSecret} label=${secret.label} secret=${secret.secret} onDone=${() => setSecret(null)} />` : null}
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p></div>` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} hint=${t('error.forbidden_admin_hint')} />` : !list.page ? html`<${Loading} />` : list.page.items.length
      ? html`<${DataTable} caption=${t('webhooks.title')} columns=${columns} rows=${list.page.items} rowKey=${(/** @type {Webhook} */ w) => w.id} />${list.pager()}`
      : html`<${Empty} title=${t('webhooks.none')} />`}
    ${list.error
      ? null
      : html`<h2>${t('webhooks.new')}</h2>
        <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
        <form onSubmit=${create} novalidate class="narrow-form">
          <${WebhookFields} prefix="webhook" value=${form} onChange=${(/** @type {Partial<WebhookForm>} */ changes) => setForm({ ...form, ...changes })} problem=${problem} />
          <button type="submit" class="primary" disabled=${busy}>${t('webhooks.create')}</button>
        </form>`}
    <${Dialog} open=${!!rotating} title=${rotating ? t('webhooks.ask_rotate', { url: rotating.url }) : ''} onClose=${() => setRotating(null)}>
      <p>${t('webhooks.rotate_explained')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick=${() => rotating && rotate(rotating)}>${t('webhooks.rotate')}</button>
        <button type="button" onClick=${() => setRotating(null)}>${t('dialog.cancel')}</button>
      </div>
    <//>
  <//>`;
}
