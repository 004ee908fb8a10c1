// An edited checkpoint (full-precision tensors under its Hugging Face names) as an fp32 ONNX decoder with KV cache,
// the transformers.js / optimum contract (CONVENTIONS #17), and as a whole model folder the workbench and
// transformers.js load (config.json, tokenizer files, model.safetensors, onnx/model.onnx). Every family of the
// family table goes through the one graph builder (src/core/lm/replicas/onnxDecoder.ts; GPT-2 included: its Conv1D
// [in, out] layout, learned positions and gelu_new are block flags there), so an edit exported here runs in ORT
// exactly as the workbench runs any other model. A config outside the table is the table's UnsupportedFamilyError.
// Pure: no Node, no DOM (the sidecar and the unlearning evaluation both call it).
import onnxProto from 'onnx-proto';
import { normalizeConfig, type NormalizedLmConfig } from '../lm/families';
import { buildDecoderOnnx } from '../lm/replicas/onnxDecoder';
import type { HostTensor, Weights } from '../lm/replicas/specs';
import { OnnxExportError } from './errors';
import { serialize } from './safetensors';

export type { HostTensor };

/** One .onnx file past protobuf's limit cannot be encoded (its weights would have to go to external data). */
const PROTOBUF_LIMIT_BYTES = 2 ** 31;

/** Files of the source folder that describe the tokenizer and generation, copied as they are. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json', 'chat_template.jinja'] as const;
const REQUIRED_SOURCE_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

/**
 * The checkpoint's tensors under the family table's names. GPT-2 fine-tunes saved from GPT2LMHeadModel carry a
 * `transformer.` prefix that openai-community/gpt2's file (and the table) do not: strip it, as every reader does.
 * The lookup throws OnnxExportError for a tensor the graph needs and the checkpoint lacks.
 */
function tableWeights(label: string, c: NormalizedLmConfig, tensors: ReadonlyMap<string, HostTensor>): Weights {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new OnnxExportError(label, `tensor ${name} has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    out.set(c.family === 'gpt2' && name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, t);
  }
  const embed = out.get(c.tensors.embed);
  if (embed && (embed.shape[0] < c.vocabSize || embed.shape[1] !== c.hiddenSize)) {
    throw new OnnxExportError(label, `${c.tensors.embed} is [${embed.shape.join(', ')}], config.json says vocab ${c.vocabSize} × hidden ${c.hiddenSize}: the tensors are not this config's`);
  }
  return new (class extends Map<string, HostTensor> {
    override get(name: string): HostTensor | undefined {
      const t = super.get(name);
      if (!t) throw new OnnxExportError(label, `the checkpoint has no tensor ${name}, which a ${c.family} decoder needs (pass every tensor of the model, not only the edited ones)`);
      return t;
    }
  })(out);
}

/** The fp32 ONNX decoder (onnx/model.onnx) of a checkpoint: config.json's object and its tensors by name. */
export function exportCheckpointOnnx(configJson: unknown, tensors: ReadonlyMap<string, HostTensor>): Uint8Array {
  const c = normalizeConfig(configJson);
  const label = `a ${c.family} checkpoint`;
  let bytes = 0;
  for (const t of tensors.values()) bytes += t.data.byteLength;
  if (bytes >= PROTOBUF_LIMIT_BYTES) {
    throw new OnnxExportError(label, `${bytes} bytes of weights do not fit one .onnx file (protobuf's 2 GiB limit); export a smaller model or write the weights as external data`);
  }
  const model = buildDecoderOnnx(c, tableWeights(label, c, tensors), 'fp32');
  model.docString = `edited ${c.family} checkpoint (fp32)`; // the builder's default names a random-weight replica
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

/** model.safetensors of the tensors (F32, names sorted, as the unlearning checkpoints). */
export function checkpointSafetensors(tensors: ReadonlyMap<string, HostTensor>): Uint8Array {
  const names = [...tensors.keys()].sort();
  return serialize(names.map((name) => {
    const t = tensors.get(name)!;
    return { name, dtype: 'F32' as const, shape: t.shape, data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  }), { format: 'pt' });
}

/**
 * The edited model as a folder (relative path → bytes): config.json (`configJson`), the source folder's tokenizer
 * and generation files (TOKENIZER_FILES present in `sourceFiles`, tokenizer.json and tokenizer_config.json
 * required), model.safetensors and onnx/model.onnx. The source's own weights and ONNX files are never copied.
 */
export function editedModelFolderFiles(sourceFiles: ReadonlyMap<string, Uint8Array> | Readonly<Record<string, Uint8Array>>,
  configJson: unknown, tensors: ReadonlyMap<string, HostTensor>): Map<string, Uint8Array> {
  const source = sourceFiles instanceof Map ? sourceFiles : new Map(Object.entries(sourceFiles));
  const missing = REQUIRED_SOURCE_FILES.filter((f) => !source.has(f));
  if (missing.length) throw new OnnxExportError('the edited model folder', `the source files lack ${missing.join(', ')} (the folder would not load without its tokenizer)`);
  const onnx = exportCheckpointOnnx(configJson, tensors);
  const out = new Map<string, Uint8Array>();
  out.set('config.json', new TextEncoder().encode(`${JSON.stringify(configJson, null, 2)}\n`));
  for (const f of TOKENIZER_FILES) {
    const b = source.get(f);
    if (b) out.set(f, b);
  }
  out.set('model.safetensors', checkpointSafetensors(tensors));
  out.set('onnx/model.onnx', onnx);
  return out;
}
