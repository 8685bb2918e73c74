// @ts-check
// Loading, empty and error states, the same everywhere.
import { html } from './html.js';
import { t } from '../i18n.js';
import { ApiProblem, NetworkError } from '../api.js';

export function Loading() {
  return html`<p class="state" role="status">${t('state.loading')}</p>`;
}

/** @param {{ title: string, children?: import('preact').ComponentChildren }} props */
export function Empty({ title, children }) {
  return html`<div class="state empty"><p><strong>${title}</strong></p>${children}</div>`;
}

/** What to tell the user about an error. @param {unknown} error */
export function describeError(error) {
  if (error instanceof ApiProblem) {
    if (error.status === 403) return t('error.forbidden');
    if (error.status === 404) return t('error.not_found');
    if (error.status === 412) return t('error.stale');
    return error.message;
  }
  if (error instanceof NetworkError) return t('error.network');
  return t('error.unexpected');
}

/**
 * @param {{ error: unknown, hint?: string }} props `hint`: what to do about a 403 (by default:
 *   ask for the publisher role).
 */
export function ErrorState({ error, hint }) {
  return html`<div class="state error" role="alert">
    <p>${describeError(error)}</p>
    ${error instanceof ApiProblem && error.status === 403 ? html`<p>${hint || t('error.forbidden_hint')}</p>` : null}
  </div>`;
}
