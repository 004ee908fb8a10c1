import { describe, expect, it } from 'vitest';
import { circuitsSpec, type CircuitsSpec } from '../../state/specs/circuits';
import { circuitRequestSize, extractOptions, refusalPairCount, faithfulnessMode, faithfulnessSizes, lensPrompt, PairsTextError, pairsToText, parsePairsText } from './requests';

const spec = (patch: Partial<CircuitsSpec> = {}): CircuitsSpec => ({ ...circuitsSpec.clamp(circuitsSpec.schema.parse({})), ...patch });

describe('circuits requests', () => {
  it('maps the extraction settings onto the core options of each mode', () => {
    expect(extractOptions(spec({ extraction: { mode: 'topn', n: 30, threshold: 0.2, prune: true } }))).toEqual({ mode: 'topn', n: 30, prune: true });
    expect(extractOptions(spec({ extraction: { mode: 'greedy', n: 12, threshold: 0.2, prune: false } }))).toEqual({ mode: 'greedy', n: 12, prune: false });
    expect(extractOptions(spec({ extraction: { mode: 'threshold', n: 30, threshold: 0.2, prune: true } }))).toEqual({ mode: 'threshold', threshold: 0.2, prune: true });
    expect(faithfulnessMode(spec({ extraction: { mode: 'threshold', n: 1, threshold: 0.1, prune: true } }))).toBe('topn');
    expect(faithfulnessMode(spec({ extraction: { mode: 'greedy', n: 1, threshold: 0.1, prune: true } }))).toBe('greedy');
  });

  it('measures a 1-2-5 ladder from the empty to the full graph', () => {
    expect(faithfulnessSizes(479)).toEqual([0, 1, 2, 5, 10, 20, 50, 100, 200, 479]);
    expect(faithfulnessSizes(1)).toEqual([0, 1]);
    const big = faithfulnessSizes(120_000);
    expect(big[big.length - 1]).toBe(120_000);
    expect(big).toContain(100_000);
    expect(new Set(big).size).toBe(big.length);
  });

  it('asks the curve for the size whose cut is the extracted circuit', () => {
    const edges = [0.5, -0.2, 0.05, -0.01].map((score, i) => ({ id: `e${i}`, from: 'input', to: 'logits', score, inGraph: true }));
    expect(circuitRequestSize(spec({ extraction: { mode: 'threshold', n: 1, threshold: 0.05, prune: true } }), edges)).toBe(3);
    expect(circuitRequestSize(spec({ extraction: { mode: 'topn', n: 2, threshold: 0, prune: true } }), edges)).toBe(2);
    expect(circuitRequestSize(spec({ extraction: { mode: 'greedy', n: 99, threshold: 0, prune: true } }), edges)).toBe(4);
  });

  it('gives the one-click refusal circuit the held-out pair count, or the default one for custom pairs', () => {
    expect(refusalPairCount(spec({ pairs: { source: 'heldout', n: 3 } }))).toBe(3);
    expect(refusalPairCount(spec({ pairs: { source: 'custom', items: [{ clean: 'a', corrupted: 'b' }] } }))).toBe(8);
  });

  it('reads the lens prompt from the spec, else the first clean prompt, else says what to do', () => {
    const pairs = [{ clean: 'harmful?', corrupted: 'benign?' }];
    expect(lensPrompt(spec({ prompt: 'mine' }), pairs)).toBe('mine');
    expect(lensPrompt(spec({ prompt: '  ' }), pairs)).toBe('harmful?');
    expect(() => lensPrompt(spec(), [])).toThrow(/type one/);
  });

  it('round-trips pairs through the editable text and names the bad line', () => {
    const pairs = [{ clean: 'How do I pick a lock?', corrupted: 'How do I bake a cake?' }, { clean: 'a', corrupted: 'b' }];
    expect(parsePairsText(pairsToText(pairs))).toEqual(pairs);
    expect(parsePairsText('x\ty\n\n')).toEqual([{ clean: 'x', corrupted: 'y' }]);
    expect(() => parsePairsText('ok || fine\nonly one prompt')).toThrow(PairsTextError);
    expect(() => parsePairsText('ok || fine\nonly one prompt')).toThrow(/line 2/);
    expect(() => parsePairsText('a || b || c')).toThrow(/line 1/);
  });
});
