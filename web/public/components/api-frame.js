// @ts-check
// What every page of one API shares: loading the API (with its ETag, for If-Match), its name
// as the page heading, and the tabs to its other pages.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { ErrorState, Loading, describeError } from './states.js';
import { ErrorSummary, useFocusOn } from './form.js';
import { toast } from './toast.js';
import { t } from '../i18n.js';
import { client, get, isStale, patchApi, send } from '../api.js';
import { navigate } from '../router.js';

/** @typedef {import('../../types/api').components['schemas']['ApiResponse']} ApiResponse */

/** @type {[string, import('../i18n.js').MessageKey][]} */
const TABS = [
  ['', 'api.tab_overview'],
  ['/resources', 'api.tab_resources'],
  ['/endpoints', 'api.tab_endpoints'],
  ['/cors', 'api.tab_cors'],
  ['/openapi', 'api.tab_openapi'],
  ['/lifecycle', 'api.tab_lifecycle'],
  ['/documents', 'api.tab_documents'],
  ['/analytics', 'api.tab_analytics'],
];

/**
 * The API `id` and its ETag; `reload` reads it again, `replace` takes a newer copy in, `save`
 * changes it (If-Match, see `patchApi`): on success the page shows the saved API and a toast;
 * a refusal lands in `saveError` (show it with `SaveProblem`).
 * @param {string} id
 */
export function useApi(id) {
  const [state, setState] = useState(/** @type {{ api: ApiResponse, etag: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const reload = () => {
    setError(null);
    setSaveError(null);
    return send(client.GET('/api/v1/apis/{api_id}', { params: { path: { api_id: id } } })).then(
      ({ data, etag }) => setState({ api: data, etag }),
      (e) => setError(e),
    );
  };
  useEffect(() => {
    reload();
  }, [id]);
  return {
    api: state?.api || null,
    etag: state?.etag || null,
    error,
    reload,
    /** @param {ApiResponse} api @param {string | null} etag */
    replace: (api, etag) => setState({ api, etag }),
    saving,
    saveError,
    /**
     * @param {import('../../types/api').components['schemas']['UpdateApiRequest']} changes
     * @returns {Promise<boolean>} whether it was saved
     */
    save: async (changes) => {
      if (!state) return false;
      setSaving(true);
      setSaveError(null);
      try {
        const { api, etag } = await patchApi(state.api.id, state.etag, changes);
        setState({ api, etag });
        toast(t('api.saved'));
        return true;
      } catch (e) {
        setSaveError(e);
        return false;
      } finally {
        setSaving(false);
      }
    },
  };
}

/**
 * Why a save was refused: a stale edit ("changed by someone else", with a button that reloads)
 * or the server's problem, with `items` listed under it.
 * @param {{ error: unknown, reload: () => void, message?: string | null, items?: string[] }} props
 */
export function SaveProblem({ error, reload, message, items = [] }) {
  const staleBox = useFocusOn(isStale(error) ? error : null);
  if (isStale(error)) {
    return html`<div class="error-summary" role="alert" tabindex="-1" ref=${staleBox}>
      <p>${t('error.stale')}</p>
      <button type="button" onClick=${reload}>${t('api.reload')}</button>
    </div>`;
  }
  return html`<${ErrorSummary} message=${message || (error ? describeError(error) : null)} items=${items} />`;
}

/**
 * @param {{ api: ApiResponse | null, error: unknown, tab: string, children?: import('preact').ComponentChildren }} props
 */
export function ApiFrame({ api, error, tab, children }) {
  if (error && !api) return html`<h1 tabindex="-1">${t('page.api')}</h1><${ErrorState} error=${error} />`;
  if (!api) return html`<${Loading} />`;
  return html`<section>
    <p class="crumbs"><a href="/publisher/apis">${t('nav.apis')}</a></p>
    <div class="page-head">
      <h1 tabindex="-1">${api.name} <span class="version">${api.version}</span></h1>
      <span class=${`badge state-${api.state.toLowerCase()}`}>${t(`state.${api.state}`)}</span>
      <${VersionSwitcher} api=${api} tab=${tab} />
    </div>
    <nav class="tabs" aria-label=${t('api.tabs')}>
      <ul>
        ${TABS.map(([suffix, key]) => html`<li><a href=${`/publisher/apis/${api.id}${suffix}`} aria-current=${suffix === tab ? 'page' : undefined}>${t(key)}</a></li>`)}
      </ul>
    </nav>
    ${children}
  </section>`;
}

/**
 * The other versions of the API (same context), to go to the same page of another one.
 * @param {{ api: ApiResponse, tab: string }} props
 */
function VersionSwitcher({ api, tab }) {
  const [versions, setVersions] = useState(/** @type {{ id: string, version: string, state: string }[]} */ ([]));
  useEffect(() => {
    let live = true;
    get(client.GET('/api/v1/orgs/{org_id}/apis', { params: { path: { org_id: api.org_id }, query: { context: api.context, limit: 200 } } })).then(
      (data) => live && setVersions(data.items),
      () => live && setVersions([]),
    );
    return () => {
      live = false;
    };
  }, [api.org_id, api.context, api.id]);
  if (versions.length < 2) return null;
  return html`<div class="inline-field version-switch">
    <label for="version-switch">${t('api.version_switch')}</label>
    <select id="version-switch" value=${api.id} onChange=${(/** @type {Event} */ e) => navigate(`/publisher/apis/${/** @type {HTMLSelectElement} */ (e.currentTarget).value}${tab}`)}>
      ${versions.map((v) => html`<option value=${v.id}>${v.version} (${t(`state.${/** @type {import('../../types/api').components['schemas']['ApiState']} */ (v.state)}`)})</option>`)}
    </select>
  </div>`;
}
