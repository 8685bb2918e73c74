// @ts-check
// What every page of one API shares: loading the API (with its ETag, for If-Match), its name
// as the page heading, and the tabs to its other pages.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { ErrorState, Loading } from './states.js';
import { t } from '../i18n.js';
import { client, send } from '../api.js';

/** @typedef {import('../../types/api').components['schemas']['ApiResponse']} ApiResponse */

/** @type {[string, import('../i18n.js').MessageKey][]} */
const TABS = [
  ['', 'api.tab_overview'],
  ['/resources', 'api.tab_resources'],
  ['/endpoints', 'api.tab_endpoints'],
  ['/lifecycle', 'api.tab_lifecycle'],
  ['/documents', 'api.tab_documents'],
  ['/analytics', 'api.tab_analytics'],
];

/**
 * The API `id` and its ETag; `reload` reads it again, `replace` takes a newer copy in.
 * @param {string} id
 */
export function useApi(id) {
  const [state, setState] = useState(/** @type {{ api: ApiResponse, etag: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const reload = () => {
    setError(null);
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
  };
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
    </div>
    <nav class="tabs" aria-label=${t('api.tabs')}>
      <ul>
        ${TABS.map(([suffix, key]) => html`<li><a href=${`/publisher/apis/${api.id}${suffix}`} aria-current=${suffix === tab ? 'page' : undefined}>${t(key)}</a></li>`)}
      </ul>
    </nav>
    ${children}
  </section>`;
}
