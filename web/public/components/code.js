// @ts-check
// A block of code or text with a copy button.
import { useState } from 'preact/hooks';
import { html } from './html.js';
import { t } from '../i18n.js';

/** @param {{ code: string, label: string }} props */
export function CodeBlock({ code, label }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(code);
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return html`<figure class="code">
    <figcaption>${label}
      <button type="button" class="small" onClick=${copy}>${copied ? t('code.copied') : t('code.copy')}</button>
    </figcaption>
    <pre tabindex="0"><code>${code}</code></pre>
  </figure>`;
}
