// @ts-check
// An API's traffic through the gateway: calls, errors by class and calls refused by limits,
// and latency percentiles, per minute over the last hour (uPlot), with the totals as a table.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { ApiFrame, useApi } from '../../components/api-frame.js';
import { TimeChart } from '../../components/chart.js';
import { ErrorState, Loading } from '../../components/states.js';
import { formatNumber, t } from '../../i18n.js';
import { client, get } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['UsageSeries']} UsageSeries */

/** @param {import('../../router.js').PageProps} props */
export default function ApiAnalytics({ params }) {
  const { api, error } = useApi(params.id);
  const org = membership.value?.org_id || '';
  const [usage, setUsage] = useState(/** @type {UsageSeries | null} */ (null));
  const [usageError, setUsageError] = useState(/** @type {unknown} */ (null));
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    const from = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    get(client.GET('/api/v1/analytics/usage', { params: { query: { org, api_id: params.id, granularity: 'minute', from } } })).then(
      (data) => live && setUsage(data),
      (e) => live && setUsageError(e),
    );
    return () => {
      live = false;
    };
  }, [params.id, org, version]);

  const points = usage?.series[0]?.points || [];
  const times = points.map((p) => Date.parse(p.start) / 1000);
  const sum = (/** @type {(p: typeof points[number]) => number} */ f) => points.reduce((n, p) => n + f(p), 0);
  return html`<${ApiFrame} api=${api} error=${error} tab="/analytics">
    <div class="page-head"><h2>${t('analytics.last_hour')}</h2><button type="button" onClick=${() => setVersion(version + 1)}>${t('analytics.refresh')}</button></div>
    ${usageError ? html`<${ErrorState} error=${usageError} />` : !usage ? html`<${Loading} />` : html`
      <table class="totals"><caption>${t('analytics.totals')}</caption>
        <tbody>
          <tr><th scope="row">${t('analytics.calls')}</th><td>${formatNumber(sum((p) => p.requests))}</td></tr>
          <tr><th scope="row">${t('analytics.client_errors')}</th><td>${formatNumber(sum((p) => p.client_errors))}</td></tr>
          <tr><th scope="row">${t('analytics.server_errors')}</th><td>${formatNumber(sum((p) => p.server_errors))}</td></tr>
          <tr><th scope="row">${t('analytics.limited')}</th><td>${formatNumber(sum((p) => p.limited))}</td></tr>
        </tbody>
      </table>
      <${TimeChart} title=${t('analytics.traffic')} times=${times} series=${[
        { label: t('analytics.calls'), values: points.map((p) => p.requests), color: '--color-primary' },
        { label: t('analytics.client_errors'), values: points.map((p) => p.client_errors), color: '--color-focus' },
        { label: t('analytics.server_errors'), values: points.map((p) => p.server_errors), color: '--color-danger' },
        { label: t('analytics.limited'), values: points.map((p) => p.limited), color: '--color-muted' },
      ]} />
      <${TimeChart} title=${t('analytics.latency')} unit=" ms" times=${times} series=${[
        { label: 'p50', values: points.map((p) => p.latency.p50_ms ?? null), color: '--color-ok' },
        { label: 'p95', values: points.map((p) => p.latency.p95_ms ?? null), color: '--color-primary' },
        { label: 'p99', values: points.map((p) => p.latency.p99_ms ?? null), color: '--color-danger' },
      ]} />`}
  <//>`;
}
