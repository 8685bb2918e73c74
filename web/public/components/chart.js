// @ts-check
// Time-series charts with uPlot, loaded (script and stylesheet from vendor/) only by the pages
// that draw one. Each chart comes with its numbers as a table for those who cannot see it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { ErrorState } from './states.js';
import { t } from '../i18n.js';

/** @typedef {import('uplot')} UPlot */
/** @typedef {typeof import('uplot')} UPlotConstructor */

/** @type {Promise<UPlotConstructor> | null} */
let loading = null;

/** The uPlot constructor, loading vendor/uPlot.iife.min.js (a classic script) once. */
export function loadUPlot() {
  if (loading) return loading;
  const base = document.getElementById('app')?.dataset.assetBase || '/';
  loading = new Promise((resolve, reject) => {
    const style = document.createElement('link');
    style.rel = 'stylesheet';
    style.href = `${base}vendor/uPlot.min.css`;
    document.head.append(style);
    const script = document.createElement('script');
    script.src = `${base}vendor/uPlot.iife.min.js`;
    script.onload = () => resolve(/** @type {{ uPlot: UPlotConstructor }} */ (/** @type {unknown} */ (window)).uPlot);
    script.onerror = () => {
      loading = null;
      reject(new Error('uPlot did not load'));
    };
    document.head.append(script);
  });
  return loading;
}

/** The colour of a design token, for the canvas (which cannot read CSS variables). @param {string} name */
const token = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';

/**
 * A line chart over time.
 * @param {{ title: string, times: number[], series: { label: string, values: (number | null)[], color: string }[], unit?: string }} props
 *   `times` in seconds since the epoch; `color` the name of a design token.
 */
export function TimeChart({ title, times, series, unit = '' }) {
  const box = useRef(/** @type {HTMLDivElement | null} */ (null));
  const [error, setError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    /** @type {UPlot | null} */
    let chart = null;
    let live = true;
    loadUPlot().then((UPlot) => {
      if (!live || !box.current) return;
      const width = Math.max(280, box.current.clientWidth);
      chart = new UPlot({
        width,
        height: 240,
        axes: [{ stroke: token('--color-muted') }, { stroke: token('--color-muted'), size: unit ? 70 : 50, values: (_, ticks) => ticks.map((v) => `${v}${unit}`) }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: token(s.color), width: 2 }))],
      }, [times, ...series.map((s) => s.values)], box.current);
      box.current.dataset.drawn = 'true';
    }, (e) => live && setError(e));
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [JSON.stringify(times), JSON.stringify(series)]);
  return html`<figure class="chart">
    <figcaption>${title}</figcaption>
    ${error ? html`<${ErrorState} error=${error} />` : null}
    <div ref=${box} class="chart-box" role="img" aria-label=${t('chart.label', { title })}></div>
  </figure>`;
}
