// @ts-check
// The gateway nodes (operators): the revision of the configuration each one runs, when it was
// last seen, and how far it lags behind the control plane's revision.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { AdminFrame } from '../../components/admin-frame.js';
import { DataTable } from '../../components/table.js';
import { Empty, ErrorState, Loading } from '../../components/states.js';
import { formatDateTime, formatNumber, t } from '../../i18n.js';
import { client, get } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['GatewayStatus']} Status */
/** @typedef {import('../../../types/api').components['schemas']['GatewayNodeStatus']} Node */

export default function Gateway() {
  const [status, setStatus] = useState(/** @type {Status | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    get(client.GET('/api/v1/gateway/status')).then((data) => live && setStatus(data), (e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [version]);

  /** Revisions behind the control plane. @param {number} revision */
  const lag = (revision) => Math.max(0, (status?.revision || 0) - revision);
  /** @param {number} revision */
  const lagText = (revision) => (lag(revision) === 0 ? t('gateway.up_to_date') : t('gateway.behind', { count: formatNumber(lag(revision)) }));
  /** @type {import('../../components/table.js').Column<Node>[]} */
  const columns = [
    { key: 'name', label: t('gateway.node'), cell: (n) => html`${n.name}<br /><code class="id">${n.node_id}</code>`, sort: (n) => n.name },
    { key: 'revision', label: t('gateway.revision'), cell: (n) => formatNumber(n.revision), sort: (n) => n.revision },
    { key: 'lag', label: t('gateway.lag'), cell: (n) => html`<span class=${n.current ? 'badge state-published' : 'badge state-blocked'}>${lagText(n.revision)}</span>`, sort: (n) => lag(n.revision) },
    { key: 'seen', label: t('gateway.last_seen'), cell: (n) => html`<time datetime=${n.last_seen}>${formatDateTime(n.last_seen)}</time>`, sort: (n) => n.last_seen },
    { key: 'started', label: t('gateway.started'), cell: (n) => html`<time datetime=${n.started_at}>${formatDateTime(n.started_at)}</time>`, sort: (n) => n.started_at },
  ];

  return html`<${AdminFrame} tab="/admin/gateway" title=${t('gateway.title')}>
    ${error ? html`<${ErrorState} error=${error} hint=${t('error.forbidden_operator_hint')} />` : !status ? html`<${Loading} />` : html`
      <dl class="facts">
        <dt>${t('gateway.control_revision')}</dt><dd data-testid="control-revision">${formatNumber(status.revision)}</dd>
        <dt>${t('gateway.embedded')}</dt><dd>${formatNumber(status.embedded_revision)} (${lagText(status.embedded_revision)})</dd>
      </dl>
      <p><button type="button" onClick=${() => setVersion(version + 1)}>${t('analytics.refresh')}</button></p>
      <h2>${t('gateway.nodes')}</h2>
      ${status.nodes.length
        ? html`<${DataTable} caption=${t('gateway.nodes')} columns=${columns} rows=${status.nodes} rowKey=${(/** @type {Node} */ n) => n.node_id} />`
        : html`<${Empty} title=${t('gateway.no_nodes')}><p>${t('gateway.no_nodes_hint')}</p><//>`}`}
  <//>`;
}
