// @ts-check
// The caller's personal access tokens, for scripts and CI (`Authorization: Bearer …`): create
// one (its secret is shown once, with a copy button), see them, revoke one.
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame, OnceSecret } from '../../components/admin-frame.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['TokenResponse']} Token */

/** @param {Token} token */
function statusOf(token) {
  if (token.revoked_at) return 'revoked';
  return new Date(token.expires_at).getTime() <= Date.now() ? 'expired' : 'active';
}

export default function Tokens() {
  const list = usePaged((cursor) => get(client.GET('/api/v1/me/tokens', { params: { query: { limit: 50, cursor } } })), []);
  const [form, setForm] = useState({ name: '', days: '90' });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [created, setCreated] = useState(/** @type {{ name: string, secret: string } | null} */ (null));
  const [revoking, setRevoking] = useState(/** @type {Token | null} */ (null));
  const [busy, setBusy] = useState(false);
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    try {
      const days = form.days.trim() ? Number(form.days) : null;
      const { data } = await send(client.POST('/api/v1/me/tokens', { body: { name: form.name.trim(), expires_in_days: days } }));
      setCreated({ name: data.name, secret: data.secret });
      setForm({ name: '', days: '90' });
      list.reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @param {Token} token */
  const revoke = async (token) => {
    setActionError(null);
    try {
      await send(client.DELETE('/api/v1/me/tokens/{token_id}', { params: { path: { token_id: token.id } } }));
      toast(t('tokens.revoked', { name: token.name }));
      list.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setRevoking(null);
    }
  };

  /** @param {string | null | undefined} at */
  const when = (at) => (at ? html`<time datetime=${at}>${formatDateTime(at)}</time>` : t('tokens.never'));
  /** @type {import('../../components/table.js').Column<Token>[]} */
  const columns = [
    { key: 'name', label: t('tokens.name'), cell: (x) => x.name, sort: (x) => x.name.toLowerCase() },
    { key: 'prefix', label: t('tokens.prefix'), cell: (x) => html`<code>${x.prefix}…</code>` },
    { key: 'status', label: t('tokens.status'), cell: (x) => html`<span class=${`badge token-${statusOf(x)}`}>${t(`tokens.status_${statusOf(x)}`)}</span>`, sort: (x) => statusOf(x) },
    { key: 'created', label: t('tokens.created_at'), cell: (x) => when(x.created_at), sort: (x) => x.created_at },
    { key: 'expires', label: t('tokens.expires_at'), cell: (x) => when(x.expires_at), sort: (x) => x.expires_at },
    { key: 'used', label: t('tokens.last_used'), cell: (x) => when(x.last_used_at) },
    {
      key: 'revoke', label: t('tokens.revoke_column'), cell: (x) => (statusOf(x) === 'active'
        ? html`<button type="button" onClick=${() => setRevoking(x)}>${t('tokens.revoke')}<span class="visually-hidden"> ${x.name}</span></button>`
        : null),
    },
  ];

  return html`<${AdminFrame} tab="/admin/tokens" title=${t('tokens.title')}>
    <p>${t('tokens.intro')}</p>
    ${created ? html`<${OnceSecret} label=${t('tokens.created', { name: created.name })} secret=${created.secret} onDone=${() => setCreated(null)} />` : null}
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p></div>` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} />` : !list.page ? html`<${Loading} />` : list.page.items.length
      ? html`<${DataTable} caption=${t('tokens.title')} columns=${columns} rows=${list.page.items} rowKey=${(/** @type {Token} */ x) => x.id} />${list.pager()}`
      : html`<${Empty} title=${t('tokens.none')} />`}
    <h2>${t('tokens.new')}</h2>
    <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
    <form onSubmit=${create} novalidate class="narrow-form">
      <${Field} id="token-name" label=${t('tokens.name')} hint=${t('tokens.name_hint')} errors=${problem?.messagesFor('/name') || []}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.name} onInput=${(/** @type {Event} */ e) => setForm({ ...form, name: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
      <//>
      <${Field} id="token-days" label=${t('tokens.days')} hint=${t('tokens.days_hint')} errors=${problem?.messagesFor('/expires_in_days') || []}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="number" min="1" inputmode="numeric" value=${form.days} onInput=${(/** @type {Event} */ e) => setForm({ ...form, days: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
      <//>
      <button type="submit" class="primary" disabled=${busy}>${t('tokens.create')}</button>
    </form>
    <${Dialog} open=${!!revoking} title=${revoking ? t('tokens.ask_revoke', { name: revoking.name }) : ''} onClose=${() => setRevoking(null)}>
      <p>${t('tokens.revoke_explained')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick=${() => revoking && revoke(revoking)}>${t('tokens.revoke')}</button>
        <button type="button" onClick=${() => setRevoking(null)}>${t('dialog.cancel')}</button>
      </div>
    <//>
  <//>`;
}
