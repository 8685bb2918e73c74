// @ts-check
// Every visible string comes from the message catalog (i18n/en.json); numbers, money and dates
// go through Intl. The catalog is a JSON module: no request of its own, typed by its keys.
import catalog from './i18n/en.json' with { type: 'json' };
import { currencyExponent } from './components/pricing.js';

/** @typedef {keyof typeof catalog} MessageKey */

export const locale = document.documentElement.lang || 'en';

/**
 * The message for `key`, with `{name}` placeholders filled from `params`.
 * @param {MessageKey} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params) {
  const text = catalog[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** @type {Map<string, Intl.NumberFormat>} */
const moneyFormats = new Map();

/**
 * An amount in minor units of `currency` (cents for EUR, yen for JPY, fils for KWD), with the
 * number of decimals the server bills in (0, 2 or 3: components/pricing.js).
 * @param {number} minor
 * @param {string} currency ISO 4217 code
 */
export function formatMoney(minor, currency) {
  const digits = currencyExponent(currency);
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 10 ** digits);
}

/**
 * A price per unit in millionths of the currency unit (plans and invoice lines), with up to 6
 * decimals.
 * @param {number} micros @param {string} currency
 */
export function formatMicros(micros, currency) {
  return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 6 }).format(micros / 1e6);
}

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat(locale);

/** @param {string | number | Date} at */
export const formatDateTime = (at) => dateTime.format(new Date(at));
/** @param {number} n */
export const formatNumber = (n) => number.format(n);

const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
const month = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });

/** A date without its time (UTC: billing days and periods are UTC). @param {string | number | Date} at */
export const formatDate = (at) => day.format(new Date(at));

/** A billing period (`2026-11`) as its month and year; the text itself when it is not one. @param {string} period */
export function formatPeriod(period) {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  return m ? month.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : period;
}

/** The current billing period (UTC), `YYYY-MM`. */
export const currentPeriod = () => new Date().toISOString().slice(0, 7);
