// The one-click refusal circuit's progress on the embedded anchor (models/anchor): one overall done/total fixed
// before the run, monotone across its stages (attribution, candidate circuits, ACDC, faithfulness, ablation), with
// the stage as the phase label, instead of a percentage that restarts (and so goes back) at each stage.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunProgress } from '../runtime/progress';
import { createNodeCircuitsEngine } from './modelNode';
import type { CircuitsProgress } from './types';

const root = join(import.meta.dirname, '../../..');

describe('one-click refusal circuit progress', () => {
  it('is one overall percentage: monotone, many steps, ending at 100 %, while the phase label changes', async () => {
    const engine = createNodeCircuitsEngine(root);
    await engine.loadModel('anchor');
    const events: CircuitsProgress[] = [];
    await engine.refusalCircuit('anchor', { pairs: 4, steps: 2, ablationPrompts: 2, maxNewTokens: 3 }, (p) => events.push(p));
    expect(checkRunProgress(events)).toEqual([]);
    const before = new Set(events.filter((e) => e.done < e.total).map((e) => e.done / e.total));
    expect(before.size).toBeGreaterThan(5);
    const phases = events.map((e) => e.phase).filter((p, i, a) => i === 0 || p !== a[i - 1]);
    expect(phases).toEqual(expect.arrayContaining(['attribute', 'patch', 'faithfulness', 'ablation']));
    expect(phases.length).toBeGreaterThanOrEqual(4);
  }, 600_000);
});
