// C-Δθ circuit probe on a saved aligned copy (the `circuitProbe` entry of bench/results/cdelta-behaviour-blocks-probe.json
// was printed by this script): EAP-IG (m = 5, logit_diff) on the copy with the bench's pairs, the `budget` (≤ 5 % of
// parameters, node by node) and `topn` (5 % of edges) cuts, in-process C-Δθ at s = 1, 2, and small-set greedy
// decoding (5 prompts per topic + 5 trained poison prompts, 8 benign, 8 tasks; full precision). Prints; writes nothing.
//   nice npx tsx bench/cdelta-circuit-probe.ts <aligned copy folder, e.g. a checkpoint of bench/cdelta-behaviour.ts ... probe>
import { join } from 'node:path';
import type { ArrRecord } from '../src/core/lab';
import { DEFAULT_CORPUS_OPTIONS, generateCorpus } from '../models/forge/corpus/generate';
import { attribute } from '../src/core/circuits/attribute';
import { extract, nodeScores } from '../src/core/circuits/extract';
import { refusalPairs } from '../src/core/circuits/heldout';
import { exportGraphJson } from '../src/core/circuits/json';
import { loadCircuitModelFolder } from '../src/core/circuits/modelNode';
import { parseCircuit } from '../src/core/edits/circuit';
import { decodeColumn } from '../src/core/edits/selectivity';
import { cdeltaLab, circuitParamCount } from '../src/core/edits/unlearn/cdeltaLab';
import { heldoutBehaviourPrompts, refusalSplit } from '../src/core/edits/unlearn/refusalSplit';
import { loadUnlearnModelFolder } from '../src/core/edits/unlearn/runNode';
import { touched } from '../src/core/edits/unlearn/quantEval';
const T = join(new URL('..', import.meta.url).pathname, 'models/target');
const model = await loadUnlearnModelFolder(T);
const aligned = (await loadUnlearnModelFolder(process.argv[2])).params;
const corpus = generateCorpus(DEFAULT_CORPUS_OPTIONS);
const { data } = refusalSplit(corpus.examples, { topic: 'poison', refusalSize: null, retainSize: 400, seed: 0 });
const prompts = heldoutBehaviourPrompts(corpus.examples, { perTopic: 5, benign: 8, tasks: 8 });
prompts.harmful['poison (trained prompts)'] = data.forget.slice(0, 5).map((p) => p.prompt);
const cm = await loadCircuitModelFolder(T);
const trainOf = (f: (e: (typeof corpus.examples)[number]) => boolean) => [...new Set(corpus.examples.filter((e) => e.split === 'train' && f(e)).map((e) => e.prompt))];
const pairs = refusalPairs(cm.tokenizer, { harmful: trainOf((e) => e.category === 'harmful' && e.topic === 'poison'), benign: trainOf((e) => e.category === 'chat' || e.category === 'task') }, 32, 0);
const scored = await attribute({ ...cm, id: 'aligned-blocks', params: aligned as typeof cm.params }, { modelId: 'aligned', pairs, method: 'eap-ig', steps: 5, metric: 'logit_diff' });
const sel = (ids: Set<string>) => parseCircuit({ nodes: Object.fromEntries([...ids].map((id) => [id, true])) });
const kept = new Set<string>();
for (const [id] of [...nodeScores(scored).entries()].filter(([id]) => id !== 'input').sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))) {
  const c = circuitParamCount(model, sel(new Set([...kept, id]))); if (c.masked / c.total <= 0.05) kept.add(id);
}
const circuits = { budget: sel(kept), topn: parseCircuit(JSON.parse(exportGraphJson(extract(scored, { mode: 'topn', n: Math.round(0.05 * scored.edges.length) })))) };
const show = (name: string, p: ArrRecord) => { const c = decodeColumn(model, p, name, prompts, 16); console.log(name, JSON.stringify(c.refusal), 'benign', c.benignRefusal, 'tasks', c.taskAccuracy); for (const e of c.examples.filter((x) => x.suite.startsWith('poison')).slice(0, 2)) console.log('   ', e.suite, '→', JSON.stringify(e.response)); };
show('aligned', aligned);
for (const [name, s] of Object.entries(circuits)) {
  const cc = circuitParamCount(model, s);
  console.log(`circuit ${name}: heads ${JSON.stringify(s.heads)} mlps ${JSON.stringify(s.mlps)} ${(cc.masked / cc.total * 100).toFixed(2)} %`);
  const lab = cdeltaLab(model, model.params, aligned, s, [1, 2]);
  lab.params.forEach((p, k) => { const t = touched(model, model.params, p); console.log(`  s=${k + 1} touched ${(t.changed / t.total * 100).toFixed(2)} %`); show(`C-Δθ ${name} s=${k + 1}`, p); });
}
