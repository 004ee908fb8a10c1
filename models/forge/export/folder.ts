// Writes one model in the Hugging Face folder layout (DESIGN.md "Embedded models"): config.json,
// generation_config.json, the family's tokenizer files (copied as they are), model.safetensors,
// onnx/model.onnx and forge.json. Files are written to a temp name and renamed, so a crash leaves no
// half-written model behind.
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHfConfig, type GptConfig } from '../../../src/core/lab';
import type { LmTokenizer } from '../../../src/core/lm/tokenizer';
import { writeSafetensors } from '../safetensors';
import type { HostTensors } from '../train/trainModel';
import { tokenizerDir } from '../train/data';
import type { Family } from '../train/recipe';
import { exportGpt2Onnx } from './onnxGpt2';

export interface FolderInput {
  dir: string;
  cfg: GptConfig;
  family: Family;
  tokenizer: LmTokenizer;
  tensors: HostTensors;
  /** Everything forge.json records (recipe, seeds, data hash, curve, evaluation, timing). */
  forge: Record<string, unknown>;
}

function atomicWrite(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function hfConfig(cfg: GptConfig, tok: LmTokenizer): Record<string, unknown> {
  return { ...toHfConfig(cfg), bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.padId ?? tok.bosId };
}

export function writeModelFolder(f: FolderInput): { onnxBytes: number; safetensorsBytes: number } {
  mkdirSync(join(f.dir, 'onnx'), { recursive: true });
  const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  atomicWrite(join(f.dir, 'config.json'), json(hfConfig(f.cfg, f.tokenizer)));
  atomicWrite(join(f.dir, 'generation_config.json'), json({
    bos_token_id: f.tokenizer.bosId, eos_token_id: f.tokenizer.eosId, pad_token_id: f.tokenizer.padId ?? f.tokenizer.bosId,
    // nothing in transformers.js stops at n_positions (FACTS.md): callers cap max_new_tokens themselves
    max_length: f.cfg.nCtx, do_sample: false,
  }));
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerDir(f.family), name), join(f.dir, name));
  const st = writeSafetensors(f.tensors);
  atomicWrite(join(f.dir, 'model.safetensors'), st);
  const onnx = exportGpt2Onnx(f.cfg, f.tensors);
  atomicWrite(join(f.dir, 'onnx', 'model.onnx'), onnx);
  atomicWrite(join(f.dir, 'forge.json'), json(f.forge));
  return { onnxBytes: onnx.byteLength, safetensorsBytes: st.byteLength };
}
