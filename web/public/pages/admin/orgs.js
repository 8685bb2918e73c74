// @ts-check
// Organizations: an admin sees their own, an operator admin sees every one and creates new
// ones. Each links to its members, audit log and webhooks.
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame } from '../../components/admin-frame.js';
import { DataTable, usePaged } from '../../components/table.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';
import { roles } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['OrgResponse']} Org */

export default function Orgs() {
  const operator = roles.value.operator;
  const list = usePaged((cursor) => get(client.GET('/api/v1/orgs', { params: { query: { limit: 50, cursor } } })), []);
  const [form, setForm] = useState({ slug: '', name: '' });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    try {
      const { data } = await send(client.POST('/api/v1/orgs', { body: { slug: form.slug.trim(), name: form.name.trim() } }));
      toast(t('orgs.created', { name: data.name }));
      setForm({ slug: '', name: '' });
      list.paging.reset();
      list.reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @type {import('../../components/table.js').Column<Org>[]} */
  const columns = [
    { key: 'name', label: t('orgs.name'), cell: (o) => html`${o.name}${o.operator ? html` <span class="badge">${t('orgs.operator')}</span>` : null}`, sort: (o) => o.name.toLowerCase() },
    { key: 'slug', label: t('orgs.slug'), cell: (o) => html`<code>${o.slug}</code>`, sort: (o) => o.slug },
    { key: 'created', label: t('orgs.created_at'), cell: (o) => html`<time datetime=${o.created_at}>${formatDateTime(o.created_at)}</time>`, sort: (o) => o.created_at },
    {
      key: 'links', label: t('orgs.manage'), cell: (o) => html`<ul class="plain inline">
        <li><a href=${`/admin/members?org=${o.id}`}>${t('admin.tab_members')}<span class="visually-hidden"> ${o.name}</span></a></li>
        <li><a href=${`/admin/audit?org=${o.id}`}>${t('admin.tab_audit')}<span class="visually-hidden"> ${o.name}</span></a></li>
        <li><a href=${`/admin/webhooks?org=${o.id}`}>${t('admin.tab_webhooks')}<span class="visually-hidden"> ${o.name}</span></a></li>
      </ul>`,
    },
  ];

  return html`<${AdminFrame} tab="/admin" title=${t('orgs.title')}>
    ${list.error ? html`<${ErrorState} error=${list.error} hint=${t('error.forbidden_admin_hint')} />` : !list.page ? html`<${Loading} />` : list.page.items.length
      ? html`<${DataTable} caption=${t('orgs.title')} columns=${columns} rows=${list.page.items} rowKey=${(/** @type {Org} */ o) => o.id} />${list.pager()}`
      : html`<${Empty} title=${t('orgs.none')} />`}
    ${operator
      ? html`<h2>${t('orgs.new')}</h2>
        <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
        <form onSubmit=${create} novalidate class="narrow-form">
          <${Field} id="org-name" label=${t('orgs.name')} errors=${problem?.messagesFor('/name') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.name} onInput=${(/** @type {Event} */ e) => setForm({ ...form, name: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
          <//>
          <${Field} id="org-slug" label=${t('orgs.slug')} hint=${t('orgs.slug_hint')} errors=${problem?.messagesFor('/slug') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.slug} onInput=${(/** @type {Event} */ e) => setForm({ ...form, slug: /** @type {HTMLInputElement} */ (e.currentTarget).value })} />`}
          <//>
          <button type="submit" class="primary" disabled=${busy}>${t('orgs.create')}</button>
        </form>`
      : html`<p class="hint">${t('orgs.operator_only')}</p>`}
  <//>`;
}
