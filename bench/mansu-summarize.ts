// Re-summarises a bench/mansu.ts result file whose run was stopped before its end (the bench writes its rows after
// each one, marked partial): the same per-method, per-seed-group summary the bench prints, written back into the file
// with the rows that were not measured named. Pure arithmetic over the stored rows; measures nothing.
//   npx tsx bench/mansu-summarize.ts bench/results/mansu.json "<what was not measured, and why>"
import { readFile, writeFile } from 'node:fs/promises';
import { summarizeSeeds, type FourProperties } from '../src/core/edits/unlearn/properties';

interface StoredRow { method: string; seed: number; seconds: number; properties: FourProperties; eval: { updates: { ratioQuantiles?: { p50: number }; crossingShare?: number }[]; touched: { changed: number; total: number } } }

async function main(): Promise<void> {
  const [file, missing] = process.argv.slice(2);
  const j = JSON.parse(await readFile(file, 'utf8')) as { rows: StoredRow[] } & Record<string, unknown>;
  const group = (seed: number) => (seed < 3 ? 'dev' : 'fresh');
  const byMethod = [...new Set(j.rows.map((r) => `${r.method}|${group(r.seed)}`))].map((key) => {
    const [m, g] = key.split('|');
    const rs = j.rows.filter((r) => r.method === m && group(r.seed) === g);
    return {
      method: m, group: g, seedList: rs.map((r) => r.seed), seeds: rs.length, summary: summarizeSeeds(rs.map((r) => r.properties)),
      nf4RatioP50: rs.reduce((a, r) => a + (r.eval.updates[0].ratioQuantiles?.p50 ?? 0), 0) / rs.length,
      nf4CrossingShare: rs.reduce((a, r) => a + (r.eval.updates[0].crossingShare ?? 0), 0) / rs.length,
      touchedShare: rs.reduce((a, r) => a + r.eval.touched.changed / r.eval.touched.total, 0) / rs.length,
    };
  });
  await writeFile(file, JSON.stringify({ ...j, notMeasured: missing ?? null, byMethod }, null, 1) + '\n');
  const f = (s: { mean: number; sd: number }) => `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}`;
  for (const b of byMethod) {
    const s = b.summary;
    console.log(`| ${b.method} | ${b.group} ${b.seedList.join(',')} | ${f(s.forgetting)} | ${f(s.retain)} | ${f(s.ptqGap)} | ${s.structural ? f(s.structural) : '-'} | ${s.allPass}/${b.seeds} | ${[s.forgetting, s.retain, s.ptqGap, s.structural].map((x) => (x ? `${x.passes}/${x.n} (${x.minMargin.toFixed(3)})` : '-')).join(' · ')} | ${b.nf4RatioP50.toPrecision(2)} | ${(100 * b.nf4CrossingShare).toFixed(1)} % | ${(100 * b.touchedShare).toFixed(0)} % |`);
  }
}
main().catch((e: Error) => {
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
