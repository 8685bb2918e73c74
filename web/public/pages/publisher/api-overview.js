// @ts-check
// An API's overview: what it is, where it is reached, who sees it; name, description, tags and
// visibility edited with If-Match, so an edit over someone else's is refused, not lost.
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, SaveProblem, useApi } from '../../components/api-frame.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDateTime, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';
import { membership } from '../../session.js';
import { navigate } from '../../router.js';

/** @typedef {import('../../../types/api').components['schemas']['Visibility']} Visibility */

/** @typedef {import('../../../types/api').components['schemas']['PlanResponse']} Plan */

/** @type {Visibility[]} */
const VISIBILITIES = ['public', 'organization', 'roles'];

/** @param {import('../../router.js').PageProps} props */
export default function ApiOverview({ params }) {
  const { api, error, reload, save, saving, saveError } = useApi(params.id);
  const [form, setForm] = useState({ name: '', description: '', tags: '', visibility: /** @type {Visibility} */ ('public') });

  const [plans, setPlans] = useState(/** @type {Plan[]} */ ([]));
  const [offered, setOffered] = useState(/** @type {string[]} */ ([]));
  const org = membership.value?.org_id || '';
  useEffect(() => {
    get(client.GET('/api/v1/orgs/{org_id}/plans', { params: { path: { org_id: org }, query: { limit: 200 } } })).then(
      (data) => setPlans(data.items),
      () => setPlans([]),
    );
  }, [org]);
  useLayoutEffect(() => {
    if (api) setOffered(api.plan_ids);
  }, [api]);

  /** Saves the plans offered (If-Match, like every edit here). */
  const savePlans = () => save({ plan_ids: offered });

  // Before paint (a layout effect): the fields show the API as loaded or reloaded in the same
  // paint as the heading, never the stale edit for a frame.
  useLayoutEffect(() => {
    if (api) setForm({ name: api.name, description: api.description, tags: api.tags.join(', '), visibility: api.visibility });
  }, [api]);

  /** @param {'name' | 'description' | 'tags' | 'visibility'} key */
  const bind = (key) => (/** @type {Event} */ e) => setForm({ ...form, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });

  /** @param {SubmitEvent} event */
  const submit = (event) => {
    event.preventDefault();
    const tags = form.tags.split(',').map((x) => x.trim()).filter(Boolean);
    save({ name: form.name, description: form.description, tags, visibility: form.visibility });
  };

  const problem = saveError instanceof ApiProblem ? saveError : null;
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
        <${SaveProblem} error=${saveError} reload=${reload} />
        <form onSubmit=${submit} novalidate>
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
          <button type="submit" class="primary" disabled=${saving}>${t('api.save')}</button>
        </form>
        <h2 id="plans-offered">${t('api.plans_offered')}</h2>
        ${plans.length
          ? html`<fieldset aria-labelledby="plans-offered">
              ${plans.map((p) => html`<div class="field check">
                <input id=${`plan-${p.id}`} type="checkbox" checked=${offered.includes(p.id)}
                  onChange=${(/** @type {Event} */ e) => setOffered(/** @type {HTMLInputElement} */ (e.currentTarget).checked ? [...offered, p.id] : offered.filter((x) => x !== p.id))} />
                <label for=${`plan-${p.id}`}>${p.name}</label>
              </div>`)}
              <button type="button" disabled=${saving} onClick=${savePlans}>${t('api.save_plans')}</button>
            </fieldset>`
          : html`<p>${t('api.no_plans')} <a href="/publisher/plans">${t('api.create_plan')}</a></p>`}
        <${NewVersion} apiId=${api.id} />`
      : null}
  <//>`;
}

/**
 * A new version of the API: everything copied (resources, documents, plans, endpoints, the
 * OpenAPI document) into a version in state Created, which the page then shows.
 * @param {{ apiId: string }} props
 */
function NewVersion({ apiId }) {
  const [version, setVersion] = useState('');
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const problem = error instanceof ApiProblem ? error : null;
  /** @param {SubmitEvent} event */
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await send(client.POST('/api/v1/apis/{api_id}/versions', { params: { path: { api_id: apiId } }, body: { version: version.trim() } }));
      toast(t('versions.created', { version: data.version }));
      navigate(`/publisher/apis/${data.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<h2>${t('versions.new')}</h2>
    <p>${t('versions.intro')}</p>
    <${ErrorSummary} message=${error && !problem?.errors.length ? describeError(error) : null} />
    <form class="row-inline" onSubmit=${submit} novalidate>
      <${Field} id="new-version" label=${t('versions.version')} hint=${t('versions.version_hint')} errors=${problem?.messagesFor('/version') || []}>
        ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${version} onInput=${(/** @type {Event} */ e) => setVersion(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
      <//>
      <button type="submit" disabled=${busy || !version.trim()}>${t('versions.create')}</button>
    </form>`;
}
