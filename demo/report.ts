// The demo's report folder: `<out>/<timestamp>/summary.json` (the machine-readable record a test checks) and
// `index.html` (per module: each step's screenshot, narration, timing and error, the figures, the share links
// opened against the demo's server, and the video when recorded). Screenshots live in `screenshots/`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FigureValue, ShareLinkRecord } from './story';

export const SUMMARY_VERSION = 1;

export interface StepRecord {
  title: string;
  narration: string;
  status: 'passed' | 'failed';
  durationMs: number;
  /** relative to the report folder */
  screenshot?: string;
  error?: string;
}

export interface ModuleRecord {
  id: string;
  title: string;
  status: 'passed' | 'failed';
  durationMs: number;
  steps: StepRecord[];
  figures: Record<string, FigureValue>;
  shareLinks: ShareLinkRecord[];
  /** uncaught errors the page reported while the story ran (recorded, not failing the step by themselves) */
  pageErrors: string[];
  /** relative to the report folder, with --video */
  video?: string;
}

export interface DemoSummary {
  version: typeof SUMMARY_VERSION;
  startedAt: string;
  durationMs: number;
  baseUrl: string;
  short: boolean;
  browser: string;
  passed: boolean;
  modules: ModuleRecord[];
}

/** `2026-12-06T18-40-12Z`: sortable and safe in a path. */
export function reportStamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function moduleHtml(m: ModuleRecord, baseUrl: string): string {
  const steps = m.steps.map((s, i) => `
      <tr${s.status === 'failed' ? ' class="failed"' : ''}>
        <td>${i + 1}. ${esc(s.title)}</td>
        <td>${esc(s.narration)}${s.error ? `<pre class="error">${esc(s.error)}</pre>` : ''}</td>
        <td class="${s.status}">${s.status}</td>
        <td>${secs(s.durationMs)}</td>
        <td>${s.screenshot ? `<a href="${esc(s.screenshot)}"><img src="${esc(s.screenshot)}" alt="${esc(`${m.id} ${s.title}`)}" width="320"></a>` : ''}</td>
      </tr>`).join('');
  const figures = Object.entries(m.figures).map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join('');
  const links = m.shareLinks.map((l) => `<li><a href="${esc(baseUrl + '/' + l.link)}">${esc(l.module)}: ${esc(l.link.length > 90 ? `${l.link.slice(0, 90)}…` : l.link)}</a></li>`).join('');
  return `
  <section id="${esc(m.id)}">
    <h2>${esc(m.title)} <small class="${m.status}">${m.status} · ${secs(m.durationMs)}</small></h2>
    <table><thead><tr><th>step</th><th>narration</th><th>status</th><th>time</th><th>screenshot</th></tr></thead><tbody>${steps}</tbody></table>
    ${figures ? `<h3>Figures</h3><table class="figures">${figures}</table>` : ''}
    ${links ? `<h3>Share links</h3><ul>${links}</ul>` : ''}
    ${m.pageErrors.length ? `<h3>Page errors</h3><pre class="error">${esc(m.pageErrors.join('\n'))}</pre>` : ''}
    ${m.video ? `<h3>Video</h3><video src="${esc(m.video)}" controls width="640"></video><p><a href="${esc(m.video)}">${esc(m.video)}</a></p>` : ''}
  </section>`;
}

export function reportHtml(s: DemoSummary): string {
  const toc = s.modules.map((m) => `<li><a href="#${esc(m.id)}">${esc(m.title)}</a> — <span class="${m.status}">${m.status}</span>, ${secs(m.durationMs)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Workbench demo ${esc(s.startedAt)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1d2330; }
  table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #d6d9e0; padding: 4px 8px; vertical-align: top; text-align: left; }
  .passed { color: #1b7a36; } .failed { color: #b3261e; } tr.failed td { background: #fdecea; }
  pre.error { white-space: pre-wrap; color: #b3261e; margin: 4px 0 0; } small { font-weight: normal; }
</style></head><body>
<h1>Workbench demo — <span class="${s.passed ? 'passed' : 'failed'}">${s.passed ? 'all steps passed' : 'some steps failed'}</span></h1>
<p>Started ${esc(s.startedAt)} against ${esc(s.baseUrl)} in ${esc(s.browser)}; ${s.short ? 'short' : 'full'} settings; ${secs(s.durationMs)} in all.
Share links open against that server; <code>summary.json</code> holds the same record.</p>
<ul>${toc}</ul>
${s.modules.map((m) => moduleHtml(m, s.baseUrl)).join('\n')}
</body></html>
`;
}

export async function writeReport(dir: string, summary: DemoSummary): Promise<void> {
  await writeFile(join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(join(dir, 'index.html'), reportHtml(summary));
}
