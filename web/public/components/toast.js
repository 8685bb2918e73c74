// @ts-check
// Short confirmations after an action, announced politely.
import { signal } from '@preact/signals';
import { html } from './html.js';

/** @type {import('@preact/signals').Signal<{ id: number, text: string }[]>} */
const toasts = signal([]);
let next = 1;

/** @param {string} text */
export function toast(text) {
  const id = next++;
  toasts.value = [...toasts.value, { id, text }];
  setTimeout(() => {
    toasts.value = toasts.value.filter((x) => x.id !== id);
  }, 5000);
}

export function Toasts() {
  return html`<div class="toasts" role="status" aria-live="polite">
    ${toasts.value.map((x) => html`<p class="toast" key=${x.id}>${x.text}</p>`)}
  </div>`;
}
