import { describe, expect, it } from 'vitest';
import { editsSpec, type EditsSpec } from '../../state/specs/edits';
import { jobRequest } from './requests';

const spec = (patch: Partial<EditsSpec>): EditsSpec => ({ ...editsSpec.clamp(editsSpec.schema.parse({})), ...patch });

describe('edits spec → sidecar request', () => {
  it('builds a one-strength C-Δθ body and leaves target out when empty (the sidecar defaults it to base)', () => {
    const r = jobRequest(spec({ base: 'b', aligned: 'a', circuit: 'c.json', output: 'out/x', strength: 0.5 }));
    expect(r).toEqual({ ok: true, kind: 'cdelta', body: { base: 'b', aligned: 'a', circuit: 'c.json', outputs: [{ strength: 0.5, path: 'out/x' }] } });
  });

  it('maps survival roles: base = before, target = edited, output = report', () => {
    const r = jobRequest(spec({ job: 'survival', base: 'b', target: 'e', output: 'r.json', quant: 'fp4', blockSize: 128 }));
    expect(r).toEqual({ ok: true, kind: 'survival', body: { base: 'b', edited: 'e', quant: 'fp4', blocksize: 128, output: 'r.json' } });
    expect(jobRequest(spec({ job: 'survival', base: 'b', target: 'e', output: 'r' }))).toEqual({ ok: false, missing: 'report name ending in .json' });
  });

  it('names the first missing field', () => {
    expect(jobRequest(spec({ base: 'b' }))).toEqual({ ok: false, missing: 'aligned' });
    expect(jobRequest(spec({ job: 'mansu', base: 'b', output: 'o' }))).toEqual({ ok: false, missing: 'edited (unlearned)' });
  });

  it('sends MANSU with the magnitude floor, and the circuit only when given', () => {
    const r = jobRequest(spec({ job: 'mansu', base: 'b', target: 'e', output: 'o' }));
    expect(r.ok && r.body).toEqual({ base: 'b', edited: 'e', quant: 'nf4', blocksize: 64, output: 'o', floor: true });
  });
});
