// The files of one training checkpoint (pure: bytes in, bytes out), shared by the Node folder sink (node.ts) and
// the browser engine (api.ts) so both write the same folder: the workbench model folder (config.json, tokenizer
// files, merged model.safetensors, onnx/model.onnx via edits/onnxExport.ts), the trainer's exact state
// (trainer_state.safetensors, training_state.json) and, for LoRA, a PEFT adapter (adapter_model.safetensors +
// adapter_config.json).
import { checkpointSafetensors, editedModelFolderFiles } from '../../edits/onnxExport';
import { peftAdapter } from './lora';
import type { TrainCheckpoint, TrainModel } from './trainer';

const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x, null, 2) + '\n');

/**
 * Relative path → bytes of the checkpoint folder. `sourceFiles` are the base model's tokenizer and generation files
 * (edits/onnxExport.ts TOKENIZER_FILES, those present); `baseModel` is the adapter's base_model_name_or_path.
 */
export function trainCheckpointFiles(model: TrainModel, sourceFiles: ReadonlyMap<string, Uint8Array>, c: TrainCheckpoint, baseModel: string): Map<string, Uint8Array> {
  const tensors = new Map([...c.merged].map(([k, x]) => [model.fileName(k), x]));
  const files = editedModelFolderFiles(sourceFiles, model.configJson, tensors);
  files.set('trainer_state.safetensors', checkpointSafetensors(c.trainer));
  files.set('training_state.json', json(c.state));
  if (c.lora) {
    const a = peftAdapter(c.lora.plan, c.lora.arrays, model.fileName, baseModel);
    files.set('adapter_model.safetensors', checkpointSafetensors(a.tensors));
    files.set('adapter_config.json', json(a.config));
  }
  return files;
}
