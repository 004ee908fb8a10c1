// Node-only: a circuits model from a folder on disk (tests, bench, scripts), through the same bytes route as
// the worker, and the forge's held-out prompt suites.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CIRCUIT_MODEL_FILES, loadCircuitModel, type CircuitModel, type CircuitModelFiles } from './model';
import { CircuitsModelError } from './errors';
import { parseHeldout, type HeldoutSuites } from './heldout';
import { createCircuitsEngine } from './api';
import type { CircuitsApi } from './types';

export async function loadCircuitModelFolder(folder: string, id = basename(folder)): Promise<CircuitModel> {
  const files: Partial<CircuitModelFiles> = {};
  for (const f of CIRCUIT_MODEL_FILES) {
    try {
      files[f] = new Uint8Array(await readFile(join(folder, f)));
    } catch {
      throw new CircuitsModelError(`${folder}: cannot read ${f} (a circuits model folder needs ${CIRCUIT_MODEL_FILES.join(', ')})`);
    }
  }
  return loadCircuitModel(id, files as CircuitModelFiles);
}

/** models/forge/heldout/{harmful,benign,tasks}.jsonl */
export async function loadHeldoutFolder(folder: string): Promise<HeldoutSuites> {
  const read = (f: string) => readFile(join(folder, f), 'utf8');
  return parseHeldout({ harmful: await read('harmful.jsonl'), benign: await read('benign.jsonl'), tasks: await read('tasks.jsonl') });
}

/** The circuits engine over a repository checkout (`root` holds models/): tests, bench and scripts. */
export function createNodeCircuitsEngine(root: string): CircuitsApi {
  return createCircuitsEngine({
    readModelFiles: async (id, files) => {
      const out = new Map<string, Uint8Array>();
      for (const f of files) {
        try {
          out.set(f, new Uint8Array(await readFile(join(root, 'models', id, f))));
        } catch {
          throw new CircuitsModelError(`${join(root, 'models', id)}: cannot read ${f}`);
        }
      }
      return out;
    },
    heldout: () => loadHeldoutFolder(join(root, 'models', 'forge', 'heldout')),
  });
}
