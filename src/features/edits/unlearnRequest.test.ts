import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { editsSpec, type EditsSpec } from '../../state/specs/edits';
import { checkpointBaseName, checkpointDigest, unlearnRequest } from './unlearnRequest';

const defaults = (): EditsSpec => editsSpec.clamp(editsSpec.schema.parse({}));

describe('unlearnRequest', () => {
  it('every field the user sets reaches the job request; the run is seeded by the spec seed', () => {
    const spec: EditsSpec = {
      ...defaults(), seed: 77, mode: 'browser',
      unlearn: { ...defaults().unlearn, model: 'anchor-llama', method: 'rmu', forgetTopic: 'tamper', forgetSize: 9, retainSize: 33, steps: 4, batchSize: 3, lr: 0.02, evalSize: 5, behaviourPrompts: 2, maxNewTokens: 6, cadPairs: 3 },
    };
    expect(unlearnRequest(spec)).toEqual({
      modelId: 'anchor-llama', method: 'rmu', forgetTopic: 'tamper', forgetSize: 9, retainSize: 33, steps: 4, batchSize: 3, seed: 77, lr: 0.02, evalSize: 5, behaviourPrompts: 2, maxNewTokens: 6, cadPairs: 3,
    });
    expect(checkpointBaseName(unlearnRequest(spec))).toBe('anchor-llama-rmu-tamper-s77-4steps');
    const mansu = { objective: 'npo' as const, circuit: true, fisher: false, nullSpace: true, floor: false, retainGuard: false };
    const m = unlearnRequest({ ...spec, unlearn: { ...spec.unlearn, method: 'mansu', mansu } });
    expect(m).toMatchObject({ method: 'mansu', mansu });
    expect(checkpointBaseName(m)).toBe('anchor-llama-mansu-npo-noFisher-noFloor-tamper-s77-4steps');
    // the retain guard (ours, off by default) reaches the request and names the files when on
    const guarded = unlearnRequest({ ...spec, unlearn: { ...spec.unlearn, method: 'mansu', mansu: { ...mansu, retainGuard: true } } });
    expect(guarded.mansu).toEqual({ ...mansu, retainGuard: true });
    expect(checkpointBaseName(guarded)).toBe('anchor-llama-mansu-npo-noFisher-noFloor-retainGuard-tamper-s77-4steps');
  });

  it('the digest is the sha256 of the checkpoint bytes', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    expect(await checkpointDigest(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
