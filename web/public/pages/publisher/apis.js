// @ts-check
// The publisher's APIs: search, filters by lifecycle state and tag, cursor paging.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { DataTable, Pager, useCursor } from '../../components/table.js';
import { Empty, ErrorState, Loading } from '../../components/states.js';
import { formatDateTime, t } from '../../i18n.js';
import { client, get } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['ApiSummary']} ApiSummary */
/** @typedef {import('../../../types/api').components['schemas']['ApiState']} ApiState */

/** @type {ApiState[]} */
export const STATES = ['CREATED', 'PROTOTYPED', 'PUBLISHED', 'BLOCKED', 'DEPRECATED', 'RETIRED'];
const PAGE_SIZE = 50;

/** @param {import('../../router.js').PageProps} props */
export default function Apis({ query }) {
  const org = membership.value?.org_id || '';
  const [q, setQ] = useState(query.get('q') || '');
  const [search, setSearch] = useState(q);
  const [state, setState] = useState(query.get('state') || '');
  const [tag, setTag] = useState(query.get('tag') || '');
  const paging = useCursor();
  const [page, setPage] = useState(/** @type {{ items: ApiSummary[], next_cursor?: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));

  // The search box asks the server once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (q !== search) {
        setSearch(q);
        paging.reset();
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);

  // What the page shows is loading until the answer for exactly these filters and this cursor
  // is in (derived while rendering, so no frame shows old rows as current).
  const key = JSON.stringify([org, search, state, tag, paging.cursor]);
  const [loadedKey, setLoadedKey] = useState('');
  const loading = loadedKey !== key;

  useEffect(() => {
    let live = true;
    setError(null);
    const params = new URLSearchParams();
    if (search) params.set('q', search);
    if (state) params.set('state', state);
    if (tag) params.set('tag', tag);
    history.replaceState(null, '', `${window.location.pathname}${params.size ? `?${params}` : ''}`);
    get(client.GET('/api/v1/orgs/{org_id}/apis', {
      params: {
        path: { org_id: org },
        query: { q: search || undefined, state: state || undefined, tag: tag || undefined, limit: PAGE_SIZE, cursor: paging.cursor },
      },
    })).then(
      (data) => {
        if (!live) return;
        setPage(data);
        setLoadedKey(key);
        // The first render of the list, for scripts/bench.mjs (Navigation Timing + this mark).
        if (!performance.getEntriesByName('tollgate:apis-rendered').length) {
          requestAnimationFrame(() => performance.mark('tollgate:apis-rendered'));
        }
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [org, search, state, tag, paging.cursor]);

  const filtered = !!(search || state || tag);
  /** @type {import('../../components/table.js').Column<ApiSummary>[]} */
  const columns = [
    { key: 'name', label: t('apis.name'), cell: (a) => html`<a href=${`/publisher/apis/${a.id}`}>${a.name}</a>`, sort: (a) => a.name.toLowerCase() },
    { key: 'version', label: t('apis.version'), cell: (a) => a.version },
    { key: 'context', label: t('apis.context'), cell: (a) => html`<code>${a.context}</code>`, sort: (a) => a.context },
    { key: 'state', label: t('apis.state'), cell: (a) => html`<span class=${`badge state-${a.state.toLowerCase()}`}>${t(`state.${a.state}`)}</span>`, sort: (a) => STATES.indexOf(a.state) },
    { key: 'tags', label: t('apis.tags'), cell: (a) => a.tags.join(', ') },
    { key: 'updated', label: t('apis.updated'), cell: (a) => html`<time datetime=${a.updated_at}>${formatDateTime(a.updated_at)}</time>`, sort: (a) => a.updated_at },
  ];

  return html`<section>
    <div class="page-head">
      <h1 tabindex="-1">${t('apis.title')}</h1>
      <a class="button primary" href="/publisher/apis/import">${t('import.title')}</a>
    </div>
    <form class="filters" role="search" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
      <label>${t('apis.search')}
        <input type="search" name="q" value=${q} onInput=${(/** @type {Event} */ e) => setQ(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
      </label>
      <label>${t('apis.state')}
        <select name="state" value=${state} onChange=${(/** @type {Event} */ e) => { setState(/** @type {HTMLSelectElement} */ (e.currentTarget).value); paging.reset(); }}>
          <option value="">${t('apis.any_state')}</option>
          ${STATES.map((s) => html`<option value=${s}>${t(`state.${s}`)}</option>`)}
        </select>
      </label>
      <label>${t('apis.tag')}
        <input type="text" name="tag" value=${tag} onChange=${(/** @type {Event} */ e) => { setTag(/** @type {HTMLInputElement} */ (e.currentTarget).value.trim()); paging.reset(); }} />
      </label>
    </form>
    ${error
      ? html`<${ErrorState} error=${error} />`
      : !page
        ? html`<${Loading} />`
        : page.items.length === 0
          ? html`<${Empty} title=${filtered ? t('apis.none_found') : t('apis.none_yet')}>
              ${filtered ? null : html`<p><a href="/publisher/apis/import">${t('apis.import_first')}</a></p>`}
            <//>`
          : html`<p class="count" role="status">${loading ? t('state.loading') : t('apis.shown', { count: page.items.length })}</p>
            <${DataTable} busy=${loading} caption=${t('apis.title')} columns=${columns} rows=${page.items} rowKey=${(/** @type {ApiSummary} */ a) => a.id} />
            <${Pager} busy=${loading} page=${paging.page} next=${page.next_cursor} onNext=${() => page.next_cursor && paging.forward(page.next_cursor)} onBack=${paging.back} />`}
  </section>`;
}
