// @ts-check
// The organization's plans, and the editor for a new one: rate limit, burst, quota, pricing
// (free, flat, per call with included calls, graduated tiers), approval, with a live preview
// of what a month of N calls costs.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../components/html.js';
import { DataTable, Pager, useCursor } from '../../components/table.js';
import { ErrorSummary, Field } from '../../components/form.js';
import { Empty, ErrorState, Loading, describeError } from '../../components/states.js';
import { toast } from '../../components/toast.js';
import { currencyExponent, monthlyCharges, parseDecimal } from '../../components/pricing.js';
import { formatMicros, formatMoney, formatNumber, t } from '../../i18n.js';
import { ApiProblem, client, get, send } from '../../api.js';
import { membership } from '../../session.js';

/** @typedef {import('../../../types/api').components['schemas']['PlanResponse']} Plan */
/** @typedef {import('../../../types/api').components['schemas']['Pricing']} Pricing */
/** @typedef {import('../../../types/api').components['schemas']['RatePeriod']} RatePeriod */
/** @typedef {import('../../../types/api').components['schemas']['QuotaPeriod']} QuotaPeriod */

/** @param {Pricing} p @param {string} currency */
export function describePricing(p, currency) {
  switch (p.model) {
    case 'free': return t('pricing.free');
    case 'flat': return t('pricing.flat_is', { fee: formatMoney(p.fee_minor, currency) });
    case 'per_call': return t('pricing.per_call_is', { price: formatMicros(p.price_micros, currency), included: formatNumber(p.included_calls) });
    case 'graduated': return t('pricing.graduated_is', { tiers: p.tiers.length });
  }
}

const EMPTY = {
  name: '', description: '', currency: 'USD', requiresApproval: false,
  rate: '', ratePeriod: /** @type {RatePeriod} */ ('minute'), burst: '', quota: '', quotaPeriod: /** @type {QuotaPeriod} */ ('month'),
  model: /** @type {Pricing['model']} */ ('free'), fee: '', price: '', included: '', tiers: [{ upTo: '', price: '' }],
};

/** The form as a pricing, or the names of the fields that do not parse. @param {typeof EMPTY} f */
function pricingOf(f) {
  const digits = currencyExponent(f.currency);
  /** @type {string[]} */
  const bad = [];
  const money = (/** @type {string} */ text, /** @type {string} */ field) => {
    if (!text.trim()) return 0;
    const v = parseDecimal(text, digits);
    if (v === null) bad.push(field);
    return v ?? 0;
  };
  const micros = (/** @type {string} */ text, /** @type {string} */ field) => {
    const v = parseDecimal(text, 6);
    if (v === null) bad.push(field);
    return v ?? 0;
  };
  /** @type {Pricing} */
  let pricing;
  switch (f.model) {
    case 'flat': pricing = { model: 'flat', fee_minor: money(f.fee, 'fee') }; break;
    case 'per_call': pricing = { model: 'per_call', fee_minor: money(f.fee, 'fee'), price_micros: micros(f.price, 'price'), included_calls: Number(f.included || 0) }; break;
    case 'graduated': pricing = {
      model: 'graduated', fee_minor: money(f.fee, 'fee'),
      tiers: f.tiers.map((tier, i) => ({ up_to: tier.upTo.trim() ? Number(tier.upTo) : null, price_micros: micros(tier.price, `tier-${i}`) })),
    }; break;
    default: pricing = { model: 'free' };
  }
  return { pricing, bad };
}

/** @param {{ form: typeof EMPTY }} props */
function Preview({ form }) {
  const [calls, setCalls] = useState('10000');
  const { pricing, bad } = pricingOf(form);
  const n = Number(calls.replace(/[^\d]/g, '')) || 0;
  const lines = bad.length || !/^[A-Z]{3}$/.test(form.currency) ? [] : monthlyCharges(pricing, form.currency, n);
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return html`<section class="preview" aria-labelledby="preview-title">
    <h2 id="preview-title">${t('plans.preview')}</h2>
    <${Field} id="preview-calls" label=${t('plans.preview_calls')}>
      ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" inputmode="numeric" value=${calls} onInput=${(/** @type {Event} */ e) => setCalls(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />`}
    <//>
    ${lines.length
      ? html`<table class="lines"><caption class="visually-hidden">${t('plans.preview')}</caption>
          <tbody>${lines.map((l) => html`<tr><th scope="row">${l.label === 'fee' ? t('plans.line_fee') : l.label === 'tier' ? t('plans.line_tier', { tier: l.tier || 0, calls: formatNumber(l.quantity) }) : t('plans.line_usage', { calls: formatNumber(l.quantity) })}</th><td>${formatMoney(l.amount, form.currency)}</td></tr>`)}</tbody>
          <tfoot><tr><th scope="row">${t('plans.total')}</th><td><output id="preview-total" aria-live="polite">${formatMoney(total, form.currency)}</output></td></tr></tfoot>
        </table>`
      : html`<p>${t('plans.preview_unavailable')}</p>`}
  </section>`;
}

export default function Plans() {
  const org = membership.value?.org_id || '';
  const paging = useCursor();
  const [page, setPage] = useState(/** @type {{ items: Plan[], next_cursor?: string | null } | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  const [form, setForm] = useState(EMPTY);
  const [saveError, setSaveError] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    get(client.GET('/api/v1/orgs/{org_id}/plans', { params: { path: { org_id: org }, query: { limit: 50, cursor: paging.cursor } } })).then(
      (data) => live && setPage(data),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [org, paging.cursor, version]);

  /** @param {keyof typeof EMPTY} key */
  const bind = (key) => (/** @type {Event} */ e) => {
    const el = /** @type {HTMLInputElement} */ (e.currentTarget);
    setForm({ ...form, [key]: el.type === 'checkbox' ? el.checked : el.value });
  };
  const problem = saveError instanceof ApiProblem ? saveError : null;
  const errs = (/** @type {string} */ p) => problem?.messagesFor(p, { prefix: true }) || [];

  /** @param {SubmitEvent} event */
  const create = async (event) => {
    event.preventDefault();
    const { pricing, bad } = pricingOf(form);
    if (bad.length) {
      setSaveError(new ApiProblem(422, { detail: t('plans.bad_amounts'), errors: bad.map((f) => ({ pointer: `/form/${f}`, message: t('plans.bad_amount') })) }));
      return;
    }
    setBusy(true);
    setSaveError(null);
    try {
      await send(client.POST('/api/v1/orgs/{org_id}/plans', {
        params: { path: { org_id: org } },
        body: {
          name: form.name,
          description: form.description,
          currency: form.currency,
          requires_approval: form.requiresApproval,
          rate_limit: form.rate ? { requests: Number(form.rate), period: form.ratePeriod, burst: form.burst ? Number(form.burst) : null } : null,
          quota: form.quota ? { requests: Number(form.quota), period: form.quotaPeriod } : null,
          pricing,
        },
      }));
      toast(t('plans.created', { name: form.name }));
      setForm(EMPTY);
      paging.reset();
      setVersion(version + 1);
    } catch (e) {
      setSaveError(e);
    } finally {
      setBusy(false);
    }
  };

  /** @type {import('../../components/table.js').Column<Plan>[]} */
  const columns = [
    { key: 'name', label: t('plans.name'), cell: (p) => html`${p.name}${p.deprecated ? html` <span class="badge">${t('plans.deprecated')}</span>` : null}`, sort: (p) => p.name },
    { key: 'pricing', label: t('plans.pricing'), cell: (p) => describePricing(p.pricing, p.currency) },
    { key: 'rate', label: t('plans.rate'), cell: (p) => (p.rate_limit ? t('plans.rate_is', { requests: formatNumber(p.rate_limit.requests), period: t(`period.${p.rate_limit.period}`) }) : t('plans.unlimited')) },
    { key: 'quota', label: t('plans.quota'), cell: (p) => (p.quota ? t('plans.rate_is', { requests: formatNumber(p.quota.requests), period: t(`period.${p.quota.period}`) }) : t('plans.unlimited')) },
    { key: 'approval', label: t('plans.approval'), cell: (p) => (p.requires_approval ? t('plans.approval_yes') : t('plans.approval_no')) },
  ];

  const text = (/** @type {keyof typeof EMPTY} */ key, /** @type {string} */ id, /** @type {string} */ label, /** @type {{ hint?: string, errors?: string[], mode?: string }} */ o = {}) => html`<${Field} id=${id} label=${label} hint=${o.hint} errors=${o.errors || []}>
    ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" inputmode=${o.mode} value=${/** @type {string} */ (form[key])} onInput=${bind(key)} />`}
  <//>`;
  const badField = (/** @type {string} */ f) => errs(`/form/${f}`);

  return html`<section>
    <h1 tabindex="-1">${t('plans.title')}</h1>
    ${error ? html`<${ErrorState} error=${error} />` : !page ? html`<${Loading} />` : page.items.length
      ? html`<${DataTable} caption=${t('plans.title')} columns=${columns} rows=${page.items} rowKey=${(/** @type {Plan} */ p) => p.id} />
        <${Pager} page=${paging.page} next=${page.next_cursor} onNext=${() => page.next_cursor && paging.forward(page.next_cursor)} onBack=${paging.back} />`
      : html`<${Empty} title=${t('plans.none')} />`}
    ${/* The form comes with the list, not before it: arriving above it, the list would push it down. */
    !page && !error ? null : html`<h2>${t('plans.new')}</h2>
    <${ErrorSummary} message=${saveError ? describeError(saveError) : null} />
    <div class="split">
      <form onSubmit=${create} novalidate>
        ${text('name', 'plan-name', t('plans.name'), { errors: errs('/name') })}
        ${text('description', 'plan-description', t('plans.description'), { errors: errs('/description') })}
        <fieldset><legend>${t('plans.limits')}</legend>
          ${text('rate', 'plan-rate', t('plans.rate_requests'), { mode: 'numeric', hint: t('plans.empty_unlimited'), errors: errs('/rate_limit') })}
          <${Field} id="plan-rate-period" label=${t('plans.rate_period')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.ratePeriod} onChange=${bind('ratePeriod')}>
              <option value="second">${t('period.second')}</option><option value="minute">${t('period.minute')}</option>
            </select>`}
          <//>
          ${text('burst', 'plan-burst', t('plans.burst'), { mode: 'numeric', hint: t('plans.burst_hint') })}
          ${text('quota', 'plan-quota', t('plans.quota_requests'), { mode: 'numeric', hint: t('plans.empty_unlimited'), errors: errs('/quota') })}
          <${Field} id="plan-quota-period" label=${t('plans.quota_period')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.quotaPeriod} onChange=${bind('quotaPeriod')}>
              <option value="day">${t('period.day')}</option><option value="month">${t('period.month')}</option>
            </select>`}
          <//>
        </fieldset>
        <fieldset><legend>${t('plans.pricing')}</legend>
          ${text('currency', 'plan-currency', t('plans.currency'), { hint: t('plans.currency_hint'), errors: errs('/currency') })}
          <${Field} id="plan-model" label=${t('plans.model')}>
            ${(/** @type {Record<string, unknown>} */ a) => html`<select ...${a} value=${form.model} onChange=${bind('model')}>
              <option value="free">${t('pricing.free')}</option><option value="flat">${t('pricing.flat')}</option>
              <option value="per_call">${t('pricing.per_call')}</option><option value="graduated">${t('pricing.graduated')}</option>
            </select>`}
          <//>
          ${form.model !== 'free' ? text('fee', 'plan-fee', t('plans.fee'), { mode: 'decimal', hint: t('plans.fee_hint', { currency: form.currency }), errors: [...badField('fee'), ...errs('/pricing/fee_minor')] }) : null}
          ${form.model === 'per_call'
            ? html`${text('price', 'plan-price', t('plans.price_per_call'), { mode: 'decimal', hint: t('plans.price_hint', { currency: form.currency }), errors: [...badField('price'), ...errs('/pricing/price_micros')] })}
                   ${text('included', 'plan-included', t('plans.included'), { mode: 'numeric', errors: errs('/pricing/included_calls') })}`
            : null}
          ${form.model === 'graduated'
            ? html`<ol class="tiers">${form.tiers.map((tier, i) => html`<li>
                <${Field} id=${`tier-${i}-up-to`} label=${t('plans.tier_up_to', { tier: i + 1 })} hint=${t('plans.tier_last')}>
                  ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" inputmode="numeric" value=${tier.upTo}
                    onInput=${(/** @type {Event} */ e) => setForm({ ...form, tiers: form.tiers.map((x, j) => (j === i ? { ...x, upTo: /** @type {HTMLInputElement} */ (e.currentTarget).value } : x)) })} />`}
                <//>
                <${Field} id=${`tier-${i}-price`} label=${t('plans.tier_price', { tier: i + 1 })} errors=${[...badField(`tier-${i}`), ...errs(`/pricing/tiers/${i}`)]}>
                  ${(/** @type {Record<string, unknown>} */ a) => html`<input ...${a} type="text" inputmode="decimal" value=${tier.price}
                    onInput=${(/** @type {Event} */ e) => setForm({ ...form, tiers: form.tiers.map((x, j) => (j === i ? { ...x, price: /** @type {HTMLInputElement} */ (e.currentTarget).value } : x)) })} />`}
                <//>
              </li>`)}</ol>
              <button type="button" onClick=${() => setForm({ ...form, tiers: [...form.tiers, { upTo: '', price: '' }] })}>${t('plans.add_tier')}</button>`
            : null}
        </fieldset>
        <div class="field check">
          <input id="plan-approval" type="checkbox" checked=${form.requiresApproval} onChange=${bind('requiresApproval')} />
          <label for="plan-approval">${t('plans.requires_approval')}</label>
        </div>
        <button type="submit" class="primary" disabled=${busy}>${t('plans.create')}</button>
      </form>
      <${Preview} form=${form} />
    </div>`}
  </section>`;
}
