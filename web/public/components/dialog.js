// @ts-check
// A modal dialog on the native <dialog> element: focus is trapped and Escape closes it; focus
// returns to what opened it.
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../i18n.js';

/** @param {{ open: boolean, title: string, onClose: () => void, children: import('preact').ComponentChildren }} props */
export function Dialog({ open, title, onClose, children }) {
  const ref = useRef(/** @type {HTMLDialogElement | null} */ (null));
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      const opener = /** @type {HTMLElement | null} */ (document.activeElement);
      dialog.showModal();
      return () => opener?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return html`<dialog ref=${ref} aria-labelledby="dialog-title" onClose=${onClose} onCancel=${onClose}>
    <h2 id="dialog-title">${title}</h2>
    ${open ? children : null}
    <button type="button" class="close" onClick=${onClose} aria-label=${t('dialog.close')}>×</button>
  </dialog>`;
}
