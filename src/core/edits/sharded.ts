// Sharded checkpoints: the Hugging Face `model.safetensors.index.json` (weight_map: tensor -> shard file).
// Shard names come from a file we did not write, so they are checked to be plain sibling file names before
// anyone joins them onto a path.

import { SafetensorsFormatError } from './errors';
import { nameMap, type TensorEntry } from './safetensors';

export const INDEX_FILE = 'model.safetensors.index.json';
export const SINGLE_FILE = 'model.safetensors';

export interface ShardIndex {
  metadata: Record<string, unknown>;
  weightMap: Record<string, string>;
  /** Distinct shard file names, sorted (HF names them model-0000k-of-0000n.safetensors). */
  shards: string[];
}

const SHARD_NAME = /^[A-Za-z0-9._-]+\.safetensors$/;

/** Tensors a sharded checkpoint may list in all (the largest MoE checkpoints list ~100 k, FP8 scales included). */
export const MAX_TENSORS_PER_CHECKPOINT = 500_000;

export function parseShardIndex(text: string, label = INDEX_FILE): ShardIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsFormatError(label, `index is not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new SafetensorsFormatError(label, 'index is not a JSON object');
  const { metadata, weight_map: wm } = raw as Record<string, unknown>;
  if (typeof wm !== 'object' || wm === null || Array.isArray(wm)) {
    throw new SafetensorsFormatError(label, 'index has no "weight_map" object');
  }
  const entries = Object.entries(wm as Record<string, unknown>);
  if (entries.length > MAX_TENSORS_PER_CHECKPOINT) {
    throw new SafetensorsFormatError(label, `weight_map lists ${entries.length} tensors, above the limit of ${MAX_TENSORS_PER_CHECKPOINT} per checkpoint`);
  }
  const weightMap = nameMap<string>();
  for (const [name, file] of entries) {
    if (typeof file !== 'string' || !SHARD_NAME.test(file) || file.startsWith('.')) {
      throw new SafetensorsFormatError(label, `weight_map["${name}"] = ${JSON.stringify(file)} is not a plain *.safetensors file name in the same folder`);
    }
    weightMap[name] = file;
  }
  const shards = [...new Set(Object.values(weightMap))].sort();
  if (shards.length === 0) throw new SafetensorsFormatError(label, 'weight_map is empty');
  const md = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  return { metadata: md, weightMap, shards };
}

/** Checks that each shard holds exactly the tensors the index assigns to it. */
export function checkShardsAgainstIndex(index: ShardIndex, shardTensors: ReadonlyMap<string, readonly TensorEntry[]>): void {
  for (const [shard, tensors] of shardTensors) {
    for (const t of tensors) {
      const want = index.weightMap[t.name];
      if (want !== shard) {
        throw new SafetensorsFormatError(shard, `tensor "${t.name}" is in this shard but the index ${want ? `puts it in ${want}` : 'does not list it'}`);
      }
    }
  }
  for (const [name, shard] of Object.entries(index.weightMap)) {
    if (!shardTensors.get(shard)?.some((t) => t.name === name)) {
      throw new SafetensorsFormatError(shard, `index lists tensor "${name}" here but the shard does not contain it`);
    }
  }
}
