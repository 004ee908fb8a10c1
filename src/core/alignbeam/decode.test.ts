// The ALIGNBEAM decode loop on the real embedded models (target family A, anchor family B, anchor-same family A,
// judge): α = 0 reproduces target-only greedy output exactly (with the anchor and the bridge running), K = 1 α = 0
// beam equals greedy, beam scores equal teacher-forced target log-probabilities (row reordering is right), mixing
// happens only where m and the gate allow, and bad input gives named errors instead of crashes.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCausalLM, type CausalLM } from '../lm/causalLm';
import { loadCausalLMFolder } from '../lm/causalLmNode';
import { createNodeBackend } from '../runtime/ortNode';
import { promptFrame } from './anchorView';
import { Translator, buildBridge } from './bridge';
import { beamDecode, type DecodeAnchor, type DecodeImpl } from './decode';
import { ContextFullError, EmptyPromptError, SettingsError } from './errors';
import { softmaxMasked } from './mix';
import { AlignbeamPair } from './pair';
import { DEFAULT_ALIGNBEAM_SETTINGS, type AlignbeamSettings } from './types';
import { parseCausalLmFiles } from '../lm/causalLmSources';

const MODELS = resolve(__dirname, '../../../models');
const IDS = ['target', 'anchor', 'anchor-same', 'judge'] as const;
const present = IDS.every((m) => existsSync(join(MODELS, m, 'onnx/model.onnx')));
if (!present) console.warn('SKIP alignbeam decode tests: embedded models missing (run npm run forge)');

const heldout = (name: string, n: number): string[] => readFileSync(join(MODELS, 'forge/heldout', `${name}.jsonl`), 'utf8')
  .trim().split('\n').slice(0, n).map((l) => (JSON.parse(l) as { prompt: string }).prompt);

const PLAIN_DECODE: DecodeImpl = { batchAnchor: false, skipAlphaZero: false, cutAnchorPrefix: false, skipHopeless: false };
const S: AlignbeamSettings = { ...DEFAULT_ALIGNBEAM_SETTINGS, maxNewTokens: 24 };

describe.skipIf(!present)('beam decode on the embedded models', () => {
  const lm = {} as Record<(typeof IDS)[number], CausalLM>;
  let pair: AlignbeamPair;
  let anchorCross: DecodeAnchor;
  let anchorSame: DecodeAnchor;
  const prompts = present ? [...heldout('harmful', 3), ...heldout('tasks', 3), ...heldout('benign', 2)] : [];

  beforeAll(async () => {
    for (const id of IDS) lm[id] = await loadCausalLMFolder(join(MODELS, id));
    pair = new AlignbeamPair({ target: lm.target, anchor: lm.anchor, judge: lm.judge, anchorSame: lm['anchor-same'] });
    const da = (a: CausalLM, kind: 'text' | 'identity'): DecodeAnchor => ({
      lm: a, frame: promptFrame(a.tokenizer, a.id), translator: new Translator(buildBridge(a.tokenizer, lm.target.tokenizer, kind)),
    });
    anchorCross = da(lm.anchor, 'text');
    anchorSame = da(lm['anchor-same'], 'identity');
  });
  afterAll(async () => {
    for (const id of IDS) await lm[id]?.dispose();
  });

  it('α = 0, K = 1 equals target-only greedy (CausalLM.generate) exactly, with either anchor and both rules running', async () => {
    const frame = promptFrame(lm.target.tokenizer, 'target');
    for (const prompt of prompts) {
      const [greedy] = await lm.target.generate([lm.target.tokenizer.applyChatTemplate(prompt)], { maxNewTokens: S.maxNewTokens });
      for (const [anchor, rule] of [[anchorCross, 'linear'], [anchorSame, 'contrastive'], [null, 'linear']] as const) {
        // the plain path (the anchor model runs at α = 0 too), so the whole mixing path is checked
        const out = await beamDecode(lm.target, frame, anchor, prompt, { ...S, alpha: 0, K: 1, m: 0, rule }, undefined, undefined, PLAIN_DECODE);
        expect(out.candidates).toHaveLength(1);
        expect(out.candidates[0].ids).toEqual(greedy);
        if (anchor) {
          expect(out.candidates[0].tokens.every((t) => t.mixed && t.shift === 0)).toBe(true);
          expect(out.anchorStats!.fed).toBeGreaterThan(0); // the anchor really ran
        }
      }
    }
  });

  it('the pipeline (decode + judge) with α = 0, K = 1 returns the target-only text', async () => {
    for (const prompt of prompts.slice(0, 4)) {
      const base = await pair.generate('target-only', prompt, S);
      const ab = await pair.generate('alignbeam', prompt, { ...S, alpha: 0, K: 1 });
      expect(ab.text).toBe(base.text);
    }
  });

  it("extraTargetCandidate: the target's own greedy answer joins the K beams once, and only when asked (default off)", async () => {
    const settings = { ...S, alpha: 0.9, K: 2, extraTargetCandidate: true };
    for (const prompt of [prompts[0], prompts[3]]) {
      const base = await pair.generate('target-only', prompt, S);
      for (const method of ['alignbeam', 'alignbeam-same'] as const) {
        const on = await pair.generate(method, prompt, settings);
        const own = on.candidates.filter((c) => c.source === 'target');
        const beams = on.candidates.filter((c) => c.source === 'beam');
        expect(beams).toHaveLength(2);
        // present exactly once: as its own candidate, or already among the beams (then not repeated)
        expect(own.length + beams.filter((c) => c.text === base.text).length).toBeGreaterThanOrEqual(1);
        expect(own.length).toBeLessThanOrEqual(1);
        if (own.length) expect(own[0].text).toBe(base.text);
        expect(on.text).toBe(on.candidates[on.chosen].text);
        const off = await pair.generate(method, prompt, { ...settings, extraTargetCandidate: false });
        expect(off.candidates.every((c) => c.source === 'beam')).toBe(true);
        expect(off.candidates.map((c) => c.text)).toEqual(beams.map((c) => c.text));
      }
    }
  });

  it('K = 4 beams: distinct candidates, best score first, scores = teacher-forced target log-probs (α = 0)', async () => {
    const frame = promptFrame(lm.target.tokenizer, 'target');
    for (const prompt of prompts.slice(2, 6)) {
      const out = await beamDecode(lm.target, frame, null, prompt, { ...S, alpha: 0, K: 4 });
      const c = out.candidates;
      expect(c.length).toBeGreaterThan(1);
      expect(c.length).toBeLessThanOrEqual(4);
      expect(new Set(c.map((x) => x.ids.join(','))).size).toBe(c.length);
      for (let i = 1; i < c.length; i++) expect(c[i - 1].logProb).toBeGreaterThanOrEqual(c[i].logProb);
      const promptIds = lm.target.tokenizer.applyChatTemplate(prompt);
      for (const cand of c) {
        const seq = [...promptIds, ...cand.ids, ...(cand.finished ? [lm.target.eosId!] : [])];
        const { logits } = await lm.target.forwardAll([seq]);
        const V = lm.target.lmHeadWidth;
        let lp = 0;
        for (let pos = promptIds.length - 1; pos < seq.length - 1; pos++) {
          lp += Math.log(softmaxMasked(logits[0].subarray(pos * V, (pos + 1) * V), lm.target.vocabSize)[seq[pos + 1]]);
        }
        expect(cand.logProb).toBeCloseTo(lp, 3);
      }
    }
  });

  it('α > 0 moves tokens only inside the first m, and a gate nobody passes leaves target-only output', async () => {
    const frame = promptFrame(lm.target.tokenizer, 'target');
    let moved = 0;
    for (const prompt of prompts.slice(0, 4)) {
      const out = await beamDecode(lm.target, frame, anchorCross, prompt, { ...S, alpha: 0.7, K: 2, m: 3 });
      for (const cand of out.candidates) {
        cand.tokens.forEach((t, i) => {
          expect(t.mixed).toBe(i < 3);
          if (!t.mixed) expect(t.shift).toBe(0);
          moved += t.shift > 0 ? 1 : 0;
        });
      }
      const [greedy] = await lm.target.generate([lm.target.tokenizer.applyChatTemplate(prompt)], { maxNewTokens: S.maxNewTokens });
      const gated = await beamDecode(lm.target, frame, anchorCross, prompt, { ...S, alpha: 0.9, K: 1, confidenceGate: 1e-12 });
      expect(gated.candidates[0].ids).toEqual(greedy);
    }
    expect(moved).toBeGreaterThan(0);
  });

  it('same vocabulary, α = 1 over the whole answer, K = 1 is greedy decoding of the anchor alone', async () => {
    const prompt = prompts[0];
    const frame = promptFrame(lm.target.tokenizer, 'target');
    const out = await beamDecode(lm.target, frame, anchorSame, prompt, { ...S, alpha: 1, K: 1, m: 0 });
    const [own] = await lm['anchor-same'].generate([lm['anchor-same'].tokenizer.applyChatTemplate(prompt)], { maxNewTokens: S.maxNewTokens });
    expect(out.candidates[0].ids).toEqual(own);
  });

  it('bad input: empty prompt, bad settings, too-long prompt give named errors', async () => {
    const frame = promptFrame(lm.target.tokenizer, 'target');
    await expect(pair.generate('alignbeam', '   ', S)).rejects.toBeInstanceOf(EmptyPromptError);
    await expect(beamDecode(lm.target, frame, null, 'hi', { ...S, alpha: 1.5, K: 0, topK: 0 })).rejects.toThrow(SettingsError);
    await expect(beamDecode(lm.target, frame, null, 'hi', { ...S, alpha: 1.5 })).rejects.toThrow(/contrastive rule/);
    await expect(pair.generate('target-only', 'word '.repeat(200), S)).rejects.toBeInstanceOf(ContextFullError);
    await expect(pair.generate('target-only', 'word '.repeat(200), S)).rejects.toThrow(/context is 128|context is \d+/);
  });

  it('a lossy bridge (exact only) drops unmappable anchor mass and still decodes', async () => {
    const exact = buildBridge(lm.anchor.tokenizer, lm.target.tokenizer, 'exact');
    expect(exact.match.some((m) => m === 2)).toBe(true);
    const anchor: DecodeAnchor = { ...anchorCross, translator: new Translator(exact) };
    const out = await beamDecode(lm.target, promptFrame(lm.target.tokenizer, 'target'), anchor, prompts[0], { ...S, alpha: 0.8, K: 2, m: 0 });
    expect(out.candidates.length).toBeGreaterThan(0);
  });

  it('an anchor without a chat template: explained in the pair warnings, prompted with a plain frame, still decodes', async () => {
    const read = (f: string) => new Uint8Array(readFileSync(join(MODELS, 'anchor', f)));
    const cfg = JSON.parse(new TextDecoder().decode(read('tokenizer_config.json'))) as Record<string, unknown>;
    delete cfg.chat_template;
    const files = parseCausalLmFiles((f) => (f === 'tokenizer_config.json' ? new TextEncoder().encode(JSON.stringify(cfg)) : read(f)), 'anchor-no-template');
    const bare = await createCausalLM('anchor-no-template', files, createNodeBackend());
    try {
      const p = new AlignbeamPair({ target: lm.target, anchor: bare, judge: lm.judge });
      const info = p.info();
      expect(info.anchor.hasChatTemplate).toBe(false);
      expect(info.warnings.join('\n')).toMatch(/anchor-no-template has no usable chat template.*User: …/s);
      const r = await p.generate('alignbeam', prompts[0], { ...S, K: 2 });
      expect(r.candidates.length).toBeGreaterThan(0);
    } finally {
      await bare.dispose();
    }
  });
});
