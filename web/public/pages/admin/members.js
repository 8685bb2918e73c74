// @ts-check
// An organization's members and their roles: add one (an existing account by email, or a new
// account whose generated password is shown once), change a role, remove a member. The server
// refuses to leave an organization without an admin; its reason is shown.
import { useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame, OnceSecret, useAdminOrg } from '../../components/admin-frame.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';
import { me } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['MemberResponse']} Member */
/** @typedef {import('../../../types/api').components['schemas']['Role']} Role */

/** @type {Role[]} */
const ROLES = ['admin', 'publisher', 'developer'];

/** @param {import('../../router.js').PageProps} props */
export default function Members({ query }) {
  const org = useAdminOrg(query);
  const list = usePaged((cursor) => get(client.GET('/api/v1/orgs/{org_id}/members', { params: { path: { org_id: org.id }, query: { limit: 50, cursor } } })), [org.id]);
  const [form, setForm] = useState({ email: '', role: /** @type {Role} */ ('developer'), name: '', password: '' });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {unknown} */ (null));
  const [created, setCreated] = useState(/** @type {{ email: string, password: string } | null} */ (null));
  const [roleOf, setRoleOf] = useState(/** @type {Record<string, Role>} */ ({}));
  const [removing, setRemoving] = useState(/** @type {Member | null} */ (null));
  const [busy, setBusy] = useState(false);
  const problem = saveError instanceof ApiProblem ? saveError : null;

  /** @param {'email' | 'role' | 'name' | 'password'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  /** @param {SubmitEvent} event */
  const add = async (event) => {
    event.preventDefault();
    setBusy(true);
    setSaveError(null);
    setCreated(null);
    try {
      const { data } = await send(client.POST('/api/v1/orgs/{org_id}/members', {
        params: { path: { org_id: org.id } },
        body: { email: form.email.trim(), role: form.role, display_name: form.name.trim() || null, password: form.password || null },
      }));
      toast(t('members.added', { email: data.email, role: t(`role.${data.role}`) }));
      if (data.initial_password) setCreated({ email: data.email, password: data.initial_password });
      setForm({ email: '', role: 'developer', name: '', password: '' });
      list.reload();
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @param {Member} m */
  const changeRole = async (m) => {
    const role = roleOf[m.user_id] || m.role;
    setActionError(null);
    try {
      await send(client.PUT('/api/v1/orgs/{org_id}/members/{user_id}', { params: { path: { org_id: org.id, user_id: m.user_id } }, body: { role } }));
      toast(t('members.role_changed', { email: m.email, role: t(`role.${role}`) }));
      list.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  /** @param {Member} m */
  const remove = async (m) => {
    setActionError(null);
    try {
      await send(client.DELETE('/api/v1/orgs/{org_id}/members/{user_id}', { params: { path: { org_id: org.id, user_id: m.user_id } } }));
      toast(t('members.removed', { email: m.email }));
      setRemoving(null);
      list.reload();
    } catch (e) {
      setRemoving(null);
      setActionError(e);
    }
  };

  /** @type {import('../../components/table.js').Column<Member>[]} */
  const columns = [
    { key: 'name', label: t('members.name'), cell: (m) => html`${m.display_name}${m.user_id === me.value?.user.id ? html` <span class="badge">${t('members.you')}</span>` : null}`, sort: (m) => m.display_name.toLowerCase() },
    { key: 'email', label: t('members.email'), cell: (m) => m.email, sort: (m) => m.email },
    {
      key: 'role', label: t('members.role'), cell: (m) => html`<div class="inline-form">
        <label class="visually-hidden" for=${`role-${m.user_id}`}>${t('members.role_of', { email: m.email })}</label>
        <select id=${`role-${m.user_id}`} value=${roleOf[m.user_id] || m.role} onChange=${(/** @type {Event} */ e) => setRoleOf({ ...roleOf, [m.user_id]: /** @type {Role} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value) })}>
          ${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}
        </select>
        <button type="button" disabled=${(roleOf[m.user_id] || m.role) === m.role} onClick=${() => changeRole(m)}>${t('members.change_role')}<span class="visually-hidden"> ${m.email}</span></button>
      </div>`,
      sort: (m) => ROLES.indexOf(m.role),
    },
    { key: 'joined', label: t('members.joined'), cell: (m) => html`<time datetime=${m.joined_at}>${formatDateTime(m.joined_at)}</time>`, sort: (m) => m.joined_at },
    { key: 'remove', label: t('members.remove_column'), cell: (m) => html`<button type="button" onClick=${() => setRemoving(m)}>${t('members.remove')}<span class="visually-hidden"> ${m.email}</span></button>` },
  ];

  return html`<${AdminFrame} tab="/admin/members" title=${t('members.title')} org=${org}>
    ${actionError ? html`<div class="error-summary" role="alert"><p>${describeError(actionError)}</p></div>` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} hint=${t('error.forbidden_admin_hint')} />` : !list.page ? html`<${Loading} />` : list.page.items.length
      ? html`<${DataTable} caption=${t('members.title')} columns=${columns} rows=${list.page.items} rowKey=${(/** @type {Member} */ m) => m.user_id} />${list.pager()}`
      : html`<${Empty} title=${t('members.none')} />`}
    ${created ? html`<${OnceSecret} label=${t('members.initial_password', { email: created.email })} secret=${created.password} onDone=${() => setCreated(null)} />` : null}
    ${list.error
      ? null
      : html`<h2>${t('members.add_title')}</h2>
        <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
        <form onSubmit=${add} novalidate class="narrow-form">
          <${Field} id="member-email" label=${t('members.email')} hint=${t('members.email_hint')} errors=${problem?.messagesFor('/email') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="email" autocomplete="off" value=${form.email} onInput=${bind('email')} />`}
          <//>
          <${Field} id="member-role" label=${t('members.role')} errors=${problem?.messagesFor('/role') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.role} onChange=${bind('role')}>${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select>`}
          <//>
          <${Field} id="member-name" label=${t('members.display_name')} hint=${t('members.new_account_hint')} errors=${problem?.messagesFor('/display_name') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.name} onInput=${bind('name')} />`}
          <//>
          <${Field} id="member-password" label=${t('members.password')} hint=${t('members.password_hint')} errors=${problem?.messagesFor('/password') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="password" autocomplete="new-password" value=${form.password} onInput=${bind('password')} />`}
          <//>
          <button type="submit" class="primary" disabled=${busy}>${t('members.add')}</button>
        </form>`}
    <${Dialog} open=${!!removing} title=${removing ? t('members.ask_remove', { email: removing.email }) : ''} onClose=${() => setRemoving(null)}>
      <p>${t('members.remove_explained')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick=${() => removing && remove(removing)}>${t('members.remove')}</button>
        <button type="button" onClick=${() => setRemoving(null)}>${t('dialog.cancel')}</button>
      </div>
    <//>
  <//>`;
}
