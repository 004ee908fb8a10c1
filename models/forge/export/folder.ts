// Writes one model in the Hugging Face folder layout (DESIGN.md "Embedded models"): config.json,
// generation_config.json, the family's tokenizer files (copied as they are), model.safetensors,
// onnx/model.onnx and forge.json. Files are written to a temp name and renamed, so a crash leaves no
// half-written model behind. GPT-2 models get the forge's GPT-2 graph (onnxGpt2.ts); family decoders (Llama) the
// replicas' graph builder (src/core/lm/replicas/onnxDecoder.ts, the optimum/transformers.js contract).
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { toHfConfig, type GptConfig } from '../../../src/core/lab';
import { buildDecoderOnnx } from '../../../src/core/lm/replicas/onnxDecoder';
import type { LmTokenizer } from '../../../src/core/lm/tokenizer';
import { writeSafetensors } from '../safetensors';
import type { HostTensors } from '../train/trainModel';
import { tokenizerDir } from '../train/data';
import { contextOf, type Family, type ModelArch } from '../train/recipe';
import { exportGpt2Onnx } from './onnxGpt2';

export interface FolderInput {
  dir: string;
  arch: ModelArch;
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

/** config.json: GPT-2's from the lab config, a family decoder's as the recipe wrote it. */
export const configJsonOf = (a: ModelArch, tok: LmTokenizer): Record<string, unknown> => (a.kind === 'gpt2' ? hfConfig(a.cfg, tok) : a.configJson);

function onnxOf(a: ModelArch, tensors: HostTensors): Uint8Array {
  if (a.kind === 'gpt2') return exportGpt2Onnx(a.cfg, tensors);
  const model = buildDecoderOnnx(a.cfg, tensors, 'fp32');
  model.docString = `forge-trained ${a.cfg.family} decoder (fp32)`; // the builder's default names a random-weight replica
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

export function writeModelFolder(f: FolderInput): { onnxBytes: number; safetensorsBytes: number } {
  mkdirSync(join(f.dir, 'onnx'), { recursive: true });
  const json = (o: unknown) => `${JSON.stringify(o, null, 2)}\n`;
  atomicWrite(join(f.dir, 'config.json'), json(configJsonOf(f.arch, f.tokenizer)));
  atomicWrite(join(f.dir, 'generation_config.json'), json({
    bos_token_id: f.tokenizer.bosId, eos_token_id: f.tokenizer.eosId, pad_token_id: f.tokenizer.padId ?? f.tokenizer.bosId,
    // nothing in transformers.js stops at n_positions (FACTS.md): callers cap max_new_tokens themselves
    max_length: contextOf(f.arch), do_sample: false,
  }));
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(tokenizerDir(f.family), name), join(f.dir, name));
  const st = writeSafetensors(f.tensors);
  atomicWrite(join(f.dir, 'model.safetensors'), st);
  const onnx = onnxOf(f.arch, f.tensors);
  atomicWrite(join(f.dir, 'onnx', 'model.onnx'), onnx);
  atomicWrite(join(f.dir, 'forge.json'), json(f.forge));
  return { onnxBytes: onnx.byteLength, safetensorsBytes: st.byteLength };
}
