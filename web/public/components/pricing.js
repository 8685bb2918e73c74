// @ts-check
// What a plan charges for a full month of N calls, computed as the server's invoice does
// (src/domain/pricing.rs): per-call prices in millionths of the currency unit, each line rounded
// once, half to even, to minor units. Used for the plan editor's live preview.

/** @typedef {import('../../types/api').components['schemas']['Pricing']} Pricing */

/**
 * Digits of a currency's minor unit, as the server counts them (src/domain/pricing.rs).
 * @param {string} code
 */
export function currencyExponent(code) {
  if (['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'].includes(code)) return 0;
  if (['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].includes(code)) return 3;
  if (['CLF', 'UYW'].includes(code)) return 4;
  return 2;
}

/** `n / d` rounded half to even (d > 0). @param {bigint} n @param {bigint} d */
export function roundHalfEven(n, d) {
  let q = n / d;
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  const twice = 2n * r;
  return twice > d || (twice === d && q % 2n !== 0n) ? q + 1n : q;
}

/**
 * The lines of a month of `calls` calls, in minor units.
 * @param {Pricing} pricing @param {string} currency @param {number} calls
 * @returns {{ label: 'fee' | 'usage' | 'tier', tier?: number, quantity: number, amount: number }[]}
 */
export function monthlyCharges(pricing, currency, calls) {
  const perMinor = 10n ** BigInt(Math.max(0, 6 - currencyExponent(currency)));
  /** @param {number} quantity @param {number} micros */
  const line = (quantity, micros) => Number(roundHalfEven(BigInt(quantity) * BigInt(micros), perMinor));
  /** @type {ReturnType<typeof monthlyCharges>} */
  const out = [];
  const n = Math.max(0, Math.floor(calls));
  switch (pricing.model) {
    case 'free':
      out.push({ label: 'usage', quantity: n, amount: 0 });
      break;
    case 'flat':
      out.push({ label: 'fee', quantity: 1, amount: pricing.fee_minor });
      break;
    case 'per_call': {
      if (pricing.fee_minor) out.push({ label: 'fee', quantity: 1, amount: pricing.fee_minor });
      const billable = Math.max(0, n - pricing.included_calls);
      out.push({ label: 'usage', quantity: billable, amount: line(billable, pricing.price_micros) });
      break;
    }
    case 'graduated': {
      if (pricing.fee_minor) out.push({ label: 'fee', quantity: 1, amount: pricing.fee_minor });
      let below = 0;
      pricing.tiers.forEach((tier, i) => {
        if (below >= n && i > 0) return;
        const top = tier.up_to ?? Number.MAX_SAFE_INTEGER;
        const quantity = Math.max(0, Math.min(n, top) - below);
        if (quantity > 0 || (i === 0 && n === 0)) out.push({ label: 'tier', tier: i + 1, quantity, amount: line(quantity, tier.price_micros) });
        below = top;
      });
      break;
    }
  }
  return out;
}

/**
 * A decimal the user typed ("0.0025", "12", "1,5") as an integer of 10^-digits units, or null.
 * @param {string} text @param {number} digits
 */
export function parseDecimal(text, digits) {
  const m = /^\s*(\d*)(?:[.,](\d*))?\s*$/.exec(text);
  if (!m || (!m[1] && !m[2])) return null;
  const fraction = (m[2] || '');
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  return Number(m[1] || '0') * 10 ** digits + Number((fraction + '0'.repeat(digits)).slice(0, digits) || '0');
}
