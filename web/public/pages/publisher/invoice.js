// @ts-check
// One invoice of the organization: its lines, and what an admin may do with it — finalize it
// (after its period) or void it with a reason. The server's refusal is shown beside the action.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { DataTable } from '../../components/table.js';
import { Dialog } from '../../components/dialog.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { formatDate, formatDateTime, formatMicros, formatMoney, formatNumber, formatPeriod, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';

/** @typedef {import('../../../types/api').components['schemas']['Invoice']} Invoice */
/** @typedef {import('../../../types/api').components['schemas']['InvoiceLine']} Line */

/** @param {import('../../router.js').PageProps} props */
export default function InvoicePage({ params }) {
  const [invoice, setInvoice] = useState(/** @type {Invoice | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [actionError, setActionError] = useState(/** @type {{ action: string, error: unknown } | null} */ (null));
  const [voiding, setVoiding] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    get(client.GET('/api/v1/invoices/{invoice_id}', { params: { path: { invoice_id: params.id } } })).then(setInvoice, setError);
  }, [params.id]);

  const finalize = async () => {
    setActionError(null);
    try {
      const { data } = await send(client.POST('/api/v1/invoices/{invoice_id}/finalize', { params: { path: { invoice_id: params.id } } }));
      setInvoice(data);
      toast(t('invoice.finalized_done', { number: data.number ?? '' }));
    } catch (e) {
      setActionError({ action: t('invoice.finalize'), error: e });
    }
  };

  /** @param {SubmitEvent} event */
  const voidIt = async (event) => {
    event.preventDefault();
    setReasonError(null);
    try {
      const { data } = await send(client.POST('/api/v1/invoices/{invoice_id}/void', { params: { path: { invoice_id: params.id } }, body: { reason } }));
      setInvoice(data);
      setVoiding(false);
      setReason('');
      toast(t('invoice.voided_done'));
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 422) setReasonError(e);
      else {
        setVoiding(false);
        setActionError({ action: t('invoice.void'), error: e });
      }
    }
  };

  if (error) return html`<h1 tabindex="-1">${t('page.invoice')}</h1><${ErrorState} error=${error} />`;
  if (!invoice) return html`<${Loading} />`;
  const money = (/** @type {number} */ minor) => formatMoney(minor, invoice.currency);
  /** @type {import('../../components/table.js').Column<Line>[]} */
  const columns = [
    { key: 'description', label: t('invoice.description'), cell: (l) => l.description },
    { key: 'api', label: t('invoice.api'), cell: (l) => `${l.api_name} ${l.api_version}` },
    { key: 'plan', label: t('invoice.plan'), cell: (l) => l.plan_name },
    { key: 'app', label: t('invoice.application'), cell: (l) => l.application_name },
    { key: 'quantity', label: t('invoice.quantity'), cell: (l) => formatNumber(l.quantity) },
    { key: 'unit', label: t('invoice.unit_price'), cell: (l) => formatMicros(l.unit_price_micros, invoice.currency) },
    { key: 'amount', label: t('invoice.amount'), cell: (l) => money(l.amount_minor) },
  ];
  const refused = actionError?.error instanceof ApiProblem ? actionError.error : null;
  return html`<section>
    <p class="crumbs"><a href=${`/publisher/revenue?period=${invoice.period}`}>${t('invoice.back')}</a></p>
    <div class="page-head">
      <h1 tabindex="-1">${invoice.number ? t('invoice.title', { number: invoice.number }) : t('invoice.title_draft')}</h1>
      <span class=${`badge invoice-${invoice.status}`}>${t(`invoice_status.${/** @type {'draft'} */ (invoice.status)}`)}</span>
    </div>
    <dl class="facts">
      <dt>${t('invoice.customer')}</dt><dd>${invoice.customer_email}</dd>
      <dt>${t('invoice.period')}</dt><dd>${formatPeriod(invoice.period)} (${t('invoice.from_to', { from: formatDate(invoice.period_start), to: formatDate(new Date(new Date(invoice.period_end).getTime() - 1)) })})</dd>
      <dt>${t('invoice.total')}</dt><dd data-testid="invoice-total">${money(invoice.total_minor)}</dd>
      <dt>${t('invoice.computed')}</dt><dd><time datetime=${invoice.computed_at}>${formatDateTime(invoice.computed_at)}</time></dd>
      ${invoice.finalized_at ? html`<dt>${t('invoice.finalized')}</dt><dd><time datetime=${invoice.finalized_at}>${formatDateTime(invoice.finalized_at)}</time></dd>` : null}
      ${invoice.voided_at ? html`<dt>${t('invoice.voided')}</dt><dd><time datetime=${invoice.voided_at}>${formatDateTime(invoice.voided_at)}</time></dd>
        <dt>${t('invoice.void_reason')}</dt><dd>${invoice.void_reason}</dd>` : null}
    </dl>
    <h2>${t('invoice.lines')}</h2>
    ${invoice.lines?.length
      ? html`<${DataTable} caption=${t('invoice.lines')} columns=${columns} rows=${invoice.lines} rowKey=${(/** @type {Line} */ l) => String(l.position)} />`
      : html`<p>${t('invoice.no_lines')}</p>`}
    ${actionError
      ? html`<div class="error-summary" role="alert" id="refusal">
          <p><strong>${t('invoice.refused', { action: actionError.action })}</strong> ${describeError(actionError.error)}</p>
          ${refused?.status === 403 ? html`<p>${t('error.forbidden_billing_hint')}</p>` : null}
        </div>`
      : null}
    ${invoice.status !== 'void'
      ? html`<div class="actions">
          ${invoice.status === 'draft' ? html`<button type="button" class="primary" onClick=${finalize} aria-describedby="finalize-hint">${t('invoice.finalize')}</button>` : null}
          <button type="button" onClick=${() => setVoiding(true)}>${t('invoice.void')}</button>
        </div>
        ${invoice.status === 'draft' ? html`<p class="hint" id="finalize-hint">${t('invoice.finalize_explained')}</p>` : null}`
      : null}
    <${Dialog} open=${voiding} title=${t('invoice.ask_void')} onClose=${() => setVoiding(false)}>
      <p>${t('invoice.void_explained')}</p>
      <${ErrorSummary} message=${reasonError ? describeError(reasonError) : null} />
      <form onSubmit=${voidIt} novalidate>
        <${Field} id="void-reason" label=${t('invoice.reason')} errors=${reasonError instanceof ApiProblem ? reasonError.messagesFor('/reason') : []}>
          ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" value=${reason} onInput=${(/** @type {Event} */ e) => setReason(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
        <//>
        <div class="actions">
          <button type="submit" class="primary">${t('invoice.void')}</button>
          <button type="button" onClick=${() => setVoiding(false)}>${t('dialog.cancel')}</button>
        </div>
      </form>
    <//>
  </section>`;
}
