// @ts-check
// What the organization's APIs earned in a billing period, by API, currency and invoice status;
// the organization's invoices of that period; CSV downloads of usage and invoices. The
// downloads are plain links the browser saves while the server streams them: the page is
// never busy building a file.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { DataTable, usePaged } from '../../components/table.js';
import { Empty, ErrorState, Loading } from '../../components/states.js';
import { currentPeriod, formatMoney, formatNumber, formatPeriod, t } from '../../i18n.js';
import { client, get } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['Revenue']} Revenue */
/** @typedef {import('../../../types/api').components['schemas']['Invoice']} Invoice */
/** @typedef {'draft' | 'finalized' | 'void'} InvoiceStatus */

const STATUSES = /** @type {InvoiceStatus[]} */ (['draft', 'finalized', 'void']);

/** @param {string} status */
const statusBadge = (status) => html`<span class=${`badge invoice-${status}`}>${STATUSES.includes(/** @type {InvoiceStatus} */ (status)) ? t(`invoice_status.${/** @type {InvoiceStatus} */ (status)}`) : status}</span>`;

/** The first day of the period and today (or the period's last day), as `YYYY-MM-DD`. @param {string} period */
function daysOf(period) {
  const [y, m] = period.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const last = new Date(Math.min(Date.UTC(y, m, 0), Date.now()));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** @param {import('../../router.js').PageProps} props */
export default function RevenuePage({ query }) {
  const org = membership.value?.org_id || '';
  const [period, setPeriod] = useState(/^\d{4}-\d{2}$/.test(query.get('period') || '') ? /** @type {string} */ (query.get('period')) : currentPeriod());
  const [status, setStatus] = useState('');
  const [report, setReport] = useState(/** @type {Revenue[] | null} */ (null));
  const [reportError, setReportError] = useState(/** @type {unknown} */ (null));
  const [usageDays, setUsageDays] = useState(daysOf(period));
  const [invoicePeriods, setInvoicePeriods] = useState({ from: period, to: period });

  useEffect(() => {
    let live = true;
    setReport(null);
    setReportError(null);
    history.replaceState(null, '', `${window.location.pathname}?period=${period}`);
    get(client.GET('/api/v1/orgs/{org_id}/revenue', { params: { path: { org_id: org }, query: { period } } })).then(
      (data) => live && setReport(data.items),
      (e) => live && setReportError(e),
    );
    setUsageDays(daysOf(period));
    setInvoicePeriods({ from: period, to: period });
    return () => {
      live = false;
    };
  }, [org, period]);

  const invoices = usePaged((cursor) => get(client.GET('/api/v1/invoices', {
    params: { query: { org, period, status: status || undefined, limit: 50, cursor } },
  })), [org, period, status]);

  /** @type {import('../../components/table.js').Column<Revenue>[]} */
  const revenueColumns = [
    { key: 'api', label: t('revenue.api'), cell: (r) => html`<a href=${`/publisher/apis/${r.api_id}`}>${r.api_name}</a> <span class="version">${r.api_version}</span>`, sort: (r) => r.api_name.toLowerCase() },
    { key: 'currency', label: t('revenue.currency'), cell: (r) => r.currency, sort: (r) => r.currency },
    { key: 'status', label: t('revenue.status'), cell: (r) => statusBadge(r.status), sort: (r) => r.status },
    { key: 'amount', label: t('revenue.amount'), cell: (r) => formatMoney(r.amount_minor, r.currency), sort: (r) => r.amount_minor },
    { key: 'subs', label: t('revenue.subscriptions'), cell: (r) => formatNumber(r.subscriptions), sort: (r) => r.subscriptions },
  ];
  /** Totals by currency and status. */
  const totals = new Map();
  for (const r of report || []) {
    const key = `${r.currency} ${r.status}`;
    totals.set(key, { currency: r.currency, status: r.status, amount: (totals.get(key)?.amount || 0) + r.amount_minor });
  }

  /** @type {import('../../components/table.js').Column<Invoice>[]} */
  const invoiceColumns = [
    { key: 'number', label: t('invoices.number'), cell: (i) => html`<a href=${`/publisher/invoices/${i.id}`}>${i.number ?? t('invoices.draft_number')}<span class="visually-hidden"> ${i.customer_email} ${i.currency}</span></a>`, sort: (i) => i.number ?? 0 },
    { key: 'customer', label: t('invoices.customer'), cell: (i) => i.customer_email, sort: (i) => i.customer_email },
    { key: 'status', label: t('invoices.status'), cell: (i) => statusBadge(i.status), sort: (i) => i.status },
    { key: 'total', label: t('invoices.total'), cell: (i) => formatMoney(i.total_minor, i.currency), sort: (i) => i.total_minor },
  ];

  /** @param {Record<string, string>} params */
  const qs = (params) => new URLSearchParams({ ...params, org, format: 'csv' }).toString();
  const usageHref = `/api/v1/exports/usage?${qs({ from: usageDays.from, to: usageDays.to })}`;
  const invoicesHref = `/api/v1/exports/invoices?${qs({ from: invoicePeriods.from, to: invoicePeriods.to })}`;

  return html`<section>
    <h1 tabindex="-1">${t('revenue.title')}</h1>
    <div class="filters short">
      <label>${t('revenue.period')}
        <input type="month" value=${period} max=${currentPeriod()} onChange=${(/** @type {Event} */ e) => {
          const v = /** @type {HTMLInputElement} */ (e.currentTarget).value;
          if (/^\d{4}-\d{2}$/.test(v)) setPeriod(v);
        }} />
      </label>
    </div>

    <h2>${t('revenue.by_api', { period: formatPeriod(period) })}</h2>
    ${reportError ? html`<${ErrorState} error=${reportError} />` : !report ? html`<${Loading} />` : report.length
      ? html`<${DataTable} caption=${t('revenue.by_api', { period: formatPeriod(period) })} columns=${revenueColumns} rows=${report} rowKey=${(/** @type {Revenue} */ r) => `${r.api_id} ${r.currency} ${r.status}`} />
        <table class="totals">
          <caption>${t('revenue.totals', { period: formatPeriod(period) })}</caption>
          <tbody>${[...totals.values()].map((x) => html`<tr><th scope="row">${x.currency} · ${t(`invoice_status.${/** @type {InvoiceStatus} */ (x.status)}`)}</th><td>${formatMoney(x.amount, x.currency)}</td></tr>`)}</tbody>
        </table>`
      : html`<${Empty} title=${t('revenue.none')} />`}

    ${reportError
      ? null
      : html`<h2>${t('invoices.title', { period: formatPeriod(period) })}</h2>
        <div class="filters short">
          <label>${t('invoices.status')}
            <select value=${status} onChange=${(/** @type {Event} */ e) => { setStatus(/** @type {HTMLSelectElement} */ (e.currentTarget).value); invoices.paging.reset(); }}>
              <option value="">${t('invoices.any_status')}</option>
              ${STATUSES.map((s) => html`<option value=${s}>${t(`invoice_status.${s}`)}</option>`)}
            </select>
          </label>
        </div>
        ${invoices.error ? html`<${ErrorState} error=${invoices.error} />` : !invoices.page ? html`<${Loading} />` : invoices.page.items.length
          ? html`<${DataTable} caption=${t('invoices.title', { period: formatPeriod(period) })} columns=${invoiceColumns} rows=${invoices.page.items} rowKey=${(/** @type {Invoice} */ i) => i.id} />${invoices.pager()}`
          : html`<${Empty} title=${t('invoices.none')} />`}

        <h2>${t('exports.title')}</h2>
        <p>${t('exports.intro')}</p>
        <div class="exports">
          <fieldset>
            <legend>${t('exports.usage')}</legend>
            <div class="row-2">
              <label>${t('exports.from_day')}<input type="date" value=${usageDays.from} onChange=${(/** @type {Event} */ e) => setUsageDays({ ...usageDays, from: /** @type {HTMLInputElement} */ (e.currentTarget).value })} /></label>
              <label>${t('exports.to_day')}<input type="date" value=${usageDays.to} onChange=${(/** @type {Event} */ e) => setUsageDays({ ...usageDays, to: /** @type {HTMLInputElement} */ (e.currentTarget).value })} /></label>
            </div>
            <a class="button primary" href=${usageHref} download=${`usage-${usageDays.from}-${usageDays.to}.csv`}>${t('exports.download_usage')}</a>
          </fieldset>
          <fieldset>
            <legend>${t('exports.invoices')}</legend>
            <div class="row-2">
              <label>${t('exports.from_period')}<input type="month" value=${invoicePeriods.from} onChange=${(/** @type {Event} */ e) => setInvoicePeriods({ ...invoicePeriods, from: /** @type {HTMLInputElement} */ (e.currentTarget).value })} /></label>
              <label>${t('exports.to_period')}<input type="month" value=${invoicePeriods.to} onChange=${(/** @type {Event} */ e) => setInvoicePeriods({ ...invoicePeriods, to: /** @type {HTMLInputElement} */ (e.currentTarget).value })} /></label>
            </div>
            <a class="button primary" href=${invoicesHref} download=${`invoices-${invoicePeriods.from}-${invoicePeriods.to}.csv`}>${t('exports.download_invoices')}</a>
          </fieldset>
        </div>`}
  </section>`;
}
