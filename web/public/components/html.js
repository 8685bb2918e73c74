// @ts-check
// htm bound to Preact: the tagged template every view is written in (no JSX, no build step).
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
