// Turns the edits spec into the sidecar request it stands for (sidecar/README.md), or says which field is
// missing. Field roles per job are documented in src/state/specs/edits.ts.
import type { EditsSpec } from '../../state/specs/edits';
import type { JobKind } from './sidecarTypes';

export type JobRequest = { ok: true; kind: JobKind; body: Record<string, unknown> } | { ok: false; missing: string };

export const JOB_LABELS: Record<EditsSpec['job'], string> = { cdtheta: 'C-Δθ edit', survival: 'NF4/FP4 survival', mansu: 'MANSU' };

export function jobRequest(spec: EditsSpec): JobRequest {
  const need = (pairs: [string, string][]): string | undefined => pairs.find(([, v]) => !v.trim())?.[0];
  switch (spec.job) {
    case 'cdtheta': {
      const missing = need([['base', spec.base], ['aligned', spec.aligned], ['circuit JSON', spec.circuit], ['output name', spec.output]]);
      if (missing) return { ok: false, missing };
      return {
        ok: true, kind: 'cdelta',
        body: { base: spec.base, aligned: spec.aligned, ...(spec.target ? { target: spec.target } : {}), circuit: spec.circuit, outputs: [{ strength: spec.strength, path: spec.output }] },
      };
    }
    case 'survival': {
      const missing = need([['before (base)', spec.base], ['after (edited)', spec.target], ['report name', spec.output]]);
      if (missing) return { ok: false, missing };
      if (!spec.output.endsWith('.json')) return { ok: false, missing: 'report name ending in .json' };
      return { ok: true, kind: 'survival', body: { base: spec.base, edited: spec.target, quant: spec.quant, blocksize: spec.blockSize, output: spec.output } };
    }
    case 'mansu': {
      const missing = need([['base', spec.base], ['edited (unlearned)', spec.target], ['output name', spec.output]]);
      if (missing) return { ok: false, missing };
      return {
        ok: true, kind: 'mansu',
        body: {
          base: spec.base, edited: spec.target, quant: spec.quant, blocksize: spec.blockSize, output: spec.output, floor: true,
          ...(spec.circuit ? { circuit: spec.circuit } : {}),
        },
      };
    }
  }
}
