// ALIGNBEAM on real vocabularies and architectures (issue #17): architecture replicas (random weights, real
// tokenizers and export contracts, written at test time) through the same pair code as the app. Only mechanics are
// tested, not safety: a qwen3 target with a llama3 anchor (cross-vocabulary, 151,669 vs 128,256 tokens), a qwen2
// anchor on the qwen3 target (same vocabulary: identity bridge), a judge given by hub id and served by the loopback
// hub whose chat template is a Llama Guard one, and α = 0 reproducing target-only exactly with every family as target.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackHub, type LoopbackHub } from '../../../scripts/loopbackHub';
import type { CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { writeReplica } from '../lm/replicas/writeReplicaNode';
import type { FetchLike } from '../runtime/loaders';
import { createNodeBackend } from '../runtime/ortNode';
import { isLlamaGuardTemplate, llamaGuardInput } from './judge';
import { DEFAULT_DECODE_IMPL, FAST_DECODE } from './decode';
import { createModelLoader } from './loadModel';
import { AlignbeamPair } from './pair';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings } from './types';

/** Target families for the α = 0 check (each with the llama3 anchor: cross-vocabulary for all but llama3 itself). */
const FAMILIES = (process.env.REPLICA_FAMILIES ?? 'gpt2,llama3,tinyllama,mistral,qwen2,qwen3,gemma2,gemma3,phi3').split(',');
const PROMPT = 'How do I bake bread?';
const S: AlignbeamSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS, judge: 'llm', maxNewTokens: 5, K: 2 };

// A Llama Guard 3 style template: it frames the safety task itself from a plain [user, assistant] conversation.
const GUARD_TEMPLATE = "{{ bos_token }}<|start_header_id|>user<|end_header_id|>\n\nTask: Check if there is unsafe content in 'Agent' messages in conversations according our safety policy with the below categories.\n\n<BEGIN UNSAFE CONTENT CATEGORIES>\nS1: Violent Crimes.\n<END UNSAFE CONTENT CATEGORIES>\n\n<BEGIN CONVERSATION>\n\n{% for message in messages %}{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\n\n' }}{% else %}{{ 'Agent: ' + message['content'] + '\n\n' }}{% endif %}{% endfor %}<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST Agent message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
const GUARD_ID = 'replicas/llama-guard-3';

const fetchAny: FetchLike = async (url, init) => (url.startsWith('file:') ? new Response(await readFile(fileURLToPath(url))) : fetch(url, init));
let dir: string;
let hub: LoopbackHub;
const lm: Record<string, CausalLM> = {};
let judge: CausalLM;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alignbeam-replicas-'));
  for (const id of FAMILIES) {
    await writeReplica(id, join(dir, id), { variants: ['fp32'] });
    lm[id] = await loadCausalLMFolder(join(dir, id));
  }
  // The judge: a llama3 replica (Llama Guard 3 1B is a Llama 3.2) with a Llama Guard template, by hub id.
  const guard = join(dir, 'guard');
  // writeReplica is deterministic (specs.ts seeds the weights): the llama3 folder written above is byte for byte
  // what a second write would produce, so a copy replaces regenerating its weights, graph and external data
  if (lm.llama3) await cp(join(dir, 'llama3'), guard, { recursive: true });
  else await writeReplica('llama3', guard, { variants: ['fp32'] });
  const cfgPath = join(guard, 'tokenizer_config.json');
  await writeFile(cfgPath, JSON.stringify({ ...JSON.parse(await readFile(cfgPath, 'utf8')), chat_template: GUARD_TEMPLATE }));
  hub = await startLoopbackHub({ embedded: false, mounts: { [GUARD_ID]: guard } });
  const backend = createNodeBackend();
  const load = createModelLoader({ backend: async () => backend, fetch: fetchAny, modelsBaseUrl: new URL('../../../models/', import.meta.url).href, allowRemote: true, hubUrl: hub.url });
  judge = await load(GUARD_ID);
}, 600_000);

afterAll(async () => {
  await Promise.all([...Object.values(lm), judge].filter(Boolean).map((m) => m.dispose()));
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('replica pairs on real vocabularies', () => {
  it('the judge came by hub id from the loopback hub and frames the Llama Guard task through its own template', () => {
    expect(hub.requests.map((r) => `${r.path} ${r.status}`)).toContain(`/${GUARD_ID}/resolve/main/onnx/model.onnx 302`);
    expect(isLlamaGuardTemplate(judge)).toBe(true);
    const built = llamaGuardInput(judge)('How do I pick a lock?', 'Use a tension wrench.');
    expect(Array.isArray(built)).toBe(true);
    const text = judge.tokenizer.decode(built as number[]);
    expect(text).toContain('User: How do I pick a lock?\n\nAgent: Use a tension wrench.\n\n<END CONVERSATION>');
    expect(text.match(/<BEGIN CONVERSATION>/g)).toHaveLength(1); // framed once, by the template, not twice
    // a model without such a template gets the task text as a user message
    expect(isLlamaGuardTemplate(lm.qwen3)).toBe(false);
    expect(llamaGuardInput(lm.qwen3)('p', 'r')).toMatch(/S14: Code Interpreter Abuse\.[\s\S]*Agent: r/);
  });

  it('cross-vocabulary: qwen3 target, llama3 anchor: bridge over the real vocabularies, K beams judged by the hub judge', async () => {
    const pair = new AlignbeamPair({ target: lm.qwen3, anchor: lm.llama3, judge }, { target: 'qwen3', anchor: 'llama3', judge: GUARD_ID });
    const info = pair.info();
    expect(info.sameVocab).toBe(false);
    expect([info.target.vocabSize, info.anchor.vocabSize]).toEqual([151669, 128256]);
    const report = await pair.bridgeReport('text', [PROMPT], 5);
    expect([report.anchorVocab, report.targetVocab]).toEqual([128256, 151669]);
    const c = report.vocabCoverage;
    expect(c.exactTokens + c.approxTokens + c.lostTokens).toBe(128256);
    expect(report.promptCoverage!.exactMass + report.promptCoverage!.approxMass + report.promptCoverage!.lostMass).toBeCloseTo(1, 9);
    const g = await pair.generate('alignbeam', PROMPT, S);
    // K beams plus the target's own answer (unless a beam equals it); each judged (random weights: a verdict or a parse error)
    expect(g.candidates.length).toBeGreaterThanOrEqual(S.K);
    for (const cand of g.candidates) expect(Number.isNaN(cand.judgeUnsafe) ? cand.judgeError : cand.judgeUnsafe).toBeDefined();
    expect(g.timings.anchorMs).toBeGreaterThan(0);
    expect(g.tokens.length).toBeGreaterThan(0);
  }, 300_000);

  it('same vocabulary: qwen2 anchor on the qwen3 target runs with the identity bridge; at α = 1, K = 1 it decodes as the anchor alone', async () => {
    const pair = new AlignbeamPair({ target: lm.qwen3, anchor: lm.llama3, judge, anchorSame: lm.qwen2 });
    expect(pair.info().warnings.some((w) => w.includes('does not share'))).toBe(false);
    const one = { ...S, alpha: 1, K: 1, extraTargetCandidate: false };
    const same = await pair.decode('alignbeam-same', PROMPT, one);
    const qwen2Alone = await new AlignbeamPair({ target: lm.qwen2, anchor: lm.llama3, judge }).decode('target-only', PROMPT, one);
    expect(same.candidates[0].ids).toEqual(qwen2Alone.candidates[0].ids);
    const g = await pair.generate('alignbeam-same', PROMPT, S);
    expect(g.candidates.length).toBeGreaterThanOrEqual(S.K);
  }, 300_000);

  it.each(FAMILIES)('α = 0 reproduces target-only exactly with a %s target (llama3 anchor running, both rules)', async (id) => {
    const pair = new AlignbeamPair({ target: lm[id], anchor: lm.llama3, judge });
    const only = await pair.decode('target-only', PROMPT, S);
    const greedy = await lm[id].generate([lm[id].tokenizer.encode(pair.frame(lm[id]).prefix(PROMPT))], { maxNewTokens: S.maxNewTokens });
    expect(only.candidates[0].ids).toEqual(greedy[0]);
    for (const rule of ['linear', 'contrastive'] as const) {
      // default path: at α = 0 the anchor model is skipped (only its tokenization runs)
      const fast = await pair.decode('alignbeam', PROMPT, { ...S, alpha: 0, K: 1, rule });
      expect(fast.candidates[0].ids).toEqual(only.candidates[0].ids);
      expect(fast.anchorStats!.fed).toBe(0);
      // plain path: the anchor really runs and the whole mixing path still gives target-only
      Object.assign(DEFAULT_DECODE_IMPL, { skipAlphaZero: false });
      try {
        const ab = await pair.decode('alignbeam', PROMPT, { ...S, alpha: 0, K: 1, rule });
        expect(ab.candidates).toEqual(fast.candidates);
        expect(ab.anchorStats!.fed).toBeGreaterThan(0);
      } finally {
        Object.assign(DEFAULT_DECODE_IMPL, FAST_DECODE);
      }
    }
  }, 120_000);
});
