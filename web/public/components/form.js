// @ts-check
// Form fields with their label, hint and error messages wired for assistive technology.
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../i18n.js';

/**
 * A labelled control. `errors` are shown under it and named by its aria-describedby; the
 * control itself is the only child and receives `id`, `aria-invalid` and `aria-describedby`.
 * @param {{ id: string, label: string, hint?: string, errors?: string[], children: (a: Record<string, string | boolean | undefined>) => import('preact').ComponentChildren }} props
 */
export function Field({ id, label, hint, errors = [], children }) {
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  return html`<div class=${errors.length ? 'field invalid' : 'field'}>
    <label for=${id}>${label}</label>
    ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${children({ id, 'aria-invalid': errors.length ? 'true' : undefined, 'aria-describedby': describedBy })}
    ${errors.length
      ? html`<ul class="field-errors" id=${`${id}-errors`}>${errors.map((m) => html`<li>${m}</li>`)}</ul>`
      : null}
  </div>`;
}

/**
 * A summary of what went wrong, focused when shown (or when its message changes) so that a
 * screen reader reads it — not at every render, which would pull focus out of the field the
 * user is correcting.
 * @param {{ message: string | null, items?: string[] }} props
 */
export function ErrorSummary({ message, items = [] }) {
  const box = useFocusOn(message);
  if (!message) return null;
  return html`<div class="error-summary" role="alert" tabindex="-1" ref=${box}>
    <h2>${t('form.error_title')}</h2>
    <p>${message}</p>
    ${items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : null}
  </div>`;
}

/**
 * A ref that moves focus to its element whenever `key` changes to something truthy.
 * @param {unknown} key
 */
export function useFocusOn(key) {
  const ref = useRef(/** @type {HTMLElement | null} */ (null));
  useEffect(() => {
    if (key) ref.current?.focus();
  }, [key]);
  return ref;
}
