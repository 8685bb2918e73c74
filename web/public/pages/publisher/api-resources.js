// @ts-check
// An API's resources: method, path template, whether callers need a credential.
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { DataTable } from '../../components/table.js';
import { Empty } from '../../components/states.js';
import { t } from '../../i18n.js';

/** @typedef {import('../../../types/api').components['schemas']['Resource']} Resource */

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** @param {import('../../router.js').PageProps} props */
export default function ApiResources({ params }) {
  const { api, error } = useApi(params.id);
  /** @type {import('../../components/table.js').Column<Resource>[]} */
  const columns = [
    { key: 'method', label: t('resources.method'), cell: (r) => html`<span class=${`method m-${r.method.toLowerCase()}`}>${r.method}</span>`, sort: (r) => METHOD_ORDER.indexOf(r.method) },
    { key: 'path', label: t('resources.path'), cell: (r) => html`<code>${r.path}</code>`, sort: (r) => r.path },
    { key: 'summary', label: t('resources.summary'), cell: (r) => r.summary || '' },
    { key: 'auth', label: t('resources.auth'), cell: (r) => (r.auth_required === false ? t('resources.auth_none') : t('resources.auth_required')) },
  ];
  return html`<${ApiFrame} api=${api} error=${error} tab="/resources">
    ${api && (api.resources.length
      ? html`<${DataTable} caption=${t('api.tab_resources')} columns=${columns} rows=${api.resources} rowKey=${(/** @type {Resource} */ r) => `${r.method} ${r.path}`} />`
      : html`<${Empty} title=${t('resources.none')} />`)}
  <//>`;
}
