// Node input loader: where a Node run (tests, benches, queue workers) finds an experiment's inputs in the
// repository: a shared tabular dataset by id or file name (public/samples/tabular), an embedded model by id
// (models/<id>/onnx/model.onnx), one file of an embedded model by `<id>/<file>` (models/<id>/<file>: the causal LMs
// alignbeam loads file by file), an alignbeam held-out suite by its repository path (models/forge/heldout/<name>.jsonl),
// and any other file by the name the spec gives, looked up in `folders` in order.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATASET_FOLDER, SHARED_DATASETS } from '../tabular/data/registry';
import type { InputLoader } from './runner';

/** `<model>/<path inside its folder>`: plain name segments only, never `.` or `..` (no walk out of models/). */
const MODEL_FILE = /^(?!\.{1,2}(?:\/|$))[\w.-]+(?:\/(?!\.{1,2}(?:\/|$))[\w.-]+)+$/;
const HELDOUT_SUITE = /^models\/forge\/heldout\/[\w-]+\.jsonl$/;

export function repositoryInputs(root = process.cwd(), folders: string[] = []): InputLoader {
  return async (ref) => {
    const candidates: string[] = [];
    if (ref.role === 'model') candidates.push(join(root, 'models', ...(MODEL_FILE.test(ref.id) ? ref.id.split('/') : [ref.id, 'onnx', 'model.onnx'])));
    else if (HELDOUT_SUITE.test(ref.id)) candidates.push(join(root, ...ref.id.split('/')));
    else {
      const shared = SHARED_DATASETS.find((d) => d.id === ref.id || d.file === ref.id);
      if (shared) candidates.push(join(root, 'public', SHARED_DATASET_FOLDER, shared.file));
    }
    // a spec's id is a name, never a path: no "../" walks out of the folders
    if (!/[\\/]/.test(ref.id) && ref.id !== '..') candidates.push(...folders.map((f) => join(f, ref.id)));
    const path = candidates.find((p) => existsSync(p));
    if (!path) throw new Error(`no file for ${ref.role} "${ref.id}" (looked in: ${candidates.join(', ') || 'nowhere: the id is not a plain file name'})`);
    return new Uint8Array(await readFile(path));
  };
}
