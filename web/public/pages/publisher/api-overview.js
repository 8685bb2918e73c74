// @ts-check
// An API's overview: what it is, where it is reached, who sees it; name, description, tags and
// visibility edited with If-Match, so an edit over someone else's is refused, not lost.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, isStale, send } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['Visibility']} Visibility */

/** @typedef {import('../../../types/api').components['schemas']['PlanResponse']} Plan */

/** @type {Visibility[]} */
const VISIBILITIES = ['public', 'organization', 'roles'];

/** @param {import('../../router.js').PageProps} props */
export default function ApiOverview({ params }) {
  const { api, etag, error, reload, replace } = useApi(params.id);
  const [form, setForm] = useState({ name: '', description: '', tags: '', visibility: /** @type {Visibility} */ ('public') });
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);

  const [plans, setPlans] = useState(/** @type {Plan[]} */ ([]));
  const [offered, setOffered] = useState(/** @type {string[]} */ ([]));
  const org = membership.value?.org_id || '';
  useEffect(() => {
    get(client.GET('/api/v1/orgs/{org_id}/plans', { params: { path: { org_id: org }, query: { limit: 200 } } })).then(
      (data) => setPlans(data.items),
      () => setPlans([]),
    );
  }, [org]);
  useEffect(() => {
    if (api) setOffered(api.plan_ids);
  }, [api]);

  /** Saves the plans offered (If-Match, like every edit here). */
  const savePlans = async () => {
    if (!api) return;
    setSaveError(null);
    try {
      const { data, etag: next } = await send(client.PATCH('/api/v1/apis/{api_id}', {
        params: { path: { api_id: api.id } },
        headers: etag ? { 'If-Match': etag } : {},
        body: { plan_ids: offered },
      }));
      replace(data, next);
      toast(t('api.saved'));
    } catch (e) {
      setSaveError(e);
    }
  };

  useEffect(() => {
    if (api) setForm({ name: api.name, description: api.description, tags: api.tags.join(', '), visibility: api.visibility });
  }, [api]);

  /** @param {'name' | 'description' | 'tags' | 'visibility'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  /** @param {SubmitEvent} event */
  const save = async (event) => {
    event.preventDefault();
    if (!api) return;
    setBusy(true);
    setSaveError(null);
    try {
      const tags = form.tags.split(',').map((s) => s.trim()).filter(Boolean);
      const { data, etag: next } = await send(client.PATCH('/api/v1/apis/{api_id}', {
        params: { path: { api_id: api.id } },
        headers: etag ? { 'If-Match': etag } : {},
        body: { name: form.name, description: form.description, tags, visibility: form.visibility },
      }));
      replace(data, next);
      toast(t('api.saved'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  const problem = saveError instanceof ApiProblem ? saveError : null;
  const stale = isStale(saveError);
  return html`<${ApiFrame} api=${api} error=${error} tab="">
    ${api
      ? html`<dl class="facts">
          <dt>${t('apis.context')}</dt><dd><code>${api.context}</code></dd>
          <dt>${t('apis.version')}</dt><dd>${api.version}${api.is_default ? ` (${t('api.default_version')})` : ''}</dd>
          <dt>${t('api.endpoints')}</dt><dd>${api.endpoints.length ? html`<ul class="plain">${api.endpoints.map((e) => html`<li><code>${e.url}</code></li>`)}</ul>` : t('api.no_endpoints')}</dd>
          <dt>${t('api.resources_count')}</dt><dd><a href=${`/publisher/apis/${api.id}/resources`}>${api.resources.length}</a></dd>
          <dt>${t('api.plans_count')}</dt><dd>${api.plan_ids.length}</dd>
          <dt>${t('apis.updated')}</dt><dd><time datetime=${api.updated_at}>${formatDateTime(api.updated_at)}</time></dd>
        </dl>
        <h2>${t('api.edit')}</h2>
        ${stale
          ? html`<div class="error-summary" role="alert" tabindex="-1" ref=${(/** @type {HTMLElement | null} */ el) => el?.focus()}>
              <p>${t('error.stale')}</p>
              <button type="button" onClick=${() => { setSaveError(null); reload(); }}>${t('api.reload')}</button>
            </div>`
          : html`<${ErrorSummary} message=${saveError ? describeError(saveError) : null} />`}
        <form onSubmit=${save} novalidate>
          <${Field} id="name" label=${t('apis.name')} errors=${problem?.messagesFor('/name') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.name} onInput=${bind('name')} />`}
          <//>
          <${Field} id="description" label=${t('api.description')} errors=${problem?.messagesFor('/description') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<textarea ...${a} rows="3" value=${form.description} onInput=${bind('description')}></textarea>`}
          <//>
          <${Field} id="tags" label=${t('apis.tags')} hint=${t('api.tags_hint')} errors=${problem?.messagesFor('/tags', { prefix: true }) || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${form.tags} onInput=${bind('tags')} />`}
          <//>
          <${Field} id="visibility" label=${t('api.visibility')} errors=${problem?.messagesFor('/visibility') || []}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.visibility} onChange=${bind('visibility')}>
              ${VISIBILITIES.map((v) => html`<option value=${v}>${t(`visibility.${v}`)}</option>`)}
            </select>`}
          <//>
          <button type="submit" class="primary" disabled=${busy}>${t('api.save')}</button>
        </form>
        <h2 id="plans-offered">${t('api.plans_offered')}</h2>
        ${plans.length
          ? html`<fieldset aria-labelledby="plans-offered">
              ${plans.map((p) => html`<div class="field check">
                <input id=${`plan-${p.id}`} type="checkbox" checked=${offered.includes(p.id)}
                  onChange=${(/** @type {Event} */ e) => setOffered(/** @type {HTMLInputElement} */ (e.currentTarget).checked ? [...offered, p.id] : offered.filter((x) => x !== p.id))} />
                <label for=${`plan-${p.id}`}>${p.name}</label>
              </div>`)}
              <button type="button" onClick=${savePlans}>${t('api.save_plans')}</button>
            </fieldset>`
          : html`<p>${t('api.no_plans')} <a href="/publisher/plans">${t('api.create_plan')}</a></p>`}`
      : null}
  <//>`;
}
