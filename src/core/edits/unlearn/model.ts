// A model as unlearning sees it: the lab engine's forward pass (gptForward for the forge's GPT-2 models,
// decoderForward for every other family of src/core/lm/families.ts), its parameters under the checkpoint's own
// tensor names, and the tokenizer. Loads go through the circuits loader (one bytes route for worker and Node);
// its failures become UnlearnModelError. Also: a circuit (EAP-IG Graph JSON, parsed by edits/circuit.ts) as
// per-element masks over the trainable tensors, refused when it was made for another model. Pure: no Node.
import { familyDims, loadCircuitModel, modelForward, type CircuitModel, type CircuitModelFiles } from '../../circuits/model';
import { CircuitsModelError } from '../../circuits/errors';
import { graphConfigForLm } from '../../circuits/graph';
import { readF32, type ArrRecord } from '../../lab';
import { FAMILIES, tensorName, type FamilyId, type NormalizedLmConfig } from '../../lm/families';
import type { LmTokenizer } from '../../lm/tokenizer';
import { maskForTensor, resolveArch } from '../archMap';
import type { CircuitSelection } from '../circuit';
import { EditsError } from '../errors';
import { parseHeader, parseHeaderLength } from '../safetensors';
import { ForeignCircuitError, UnlearnModelError } from './errors';
import type { ForwardFn } from './objectives';

export interface UnlearnModel {
  id: string;
  family: FamilyId;
  nLayers: number;
  nHeads: number;
  dModel: number;
  maxPositions: number;
  vocabSize: number;
  forward: ForwardFn;
  /** Engine arrays under the engine's names (GPT-2: without `transformer.`); owned by the model. */
  params: ArrRecord;
  /** Engine parameter name → the tensor name in the model's checkpoint file (checkpoints are written under it). */
  fileName: (param: string) => string;
  tokenizer: LmTokenizer;
  /** config.json as read (written next to checkpoints, read by the circuit mapping). */
  configJson: Record<string, unknown>;
  weightsSha256: string | null;
  /** The circuits view of the same model (graph sizes, base params): EAP-IG attribution of the forget behaviour. */
  circuitModel: CircuitModel;
}

/** Wraps a loaded circuits model; `fileNames` are the tensor names of its safetensors file. */
export function unlearnModelFrom(m: CircuitModel, configJson: Record<string, unknown>, fileNames: readonly string[]): UnlearnModel {
  const names = new Set(fileNames);
  return {
    id: m.id,
    family: m.lm?.family ?? 'gpt2',
    nLayers: m.cfg.nLayer,
    nHeads: m.cfg.nHead,
    dModel: m.cfg.dModel,
    maxPositions: m.cfg.nCtx,
    vocabSize: m.cfg.vocabSize,
    forward: (p, t, o) => modelForward(m, p, t, o),
    params: m.params,
    fileName: (p) => (!names.has(p) && names.has(`transformer.${p}`) ? `transformer.${p}` : p),
    tokenizer: m.tokenizer,
    configJson,
    weightsSha256: m.weightsSha256,
    circuitModel: m,
  };
}

/** A family model from arrays already built (tests: replicas), run by decoderForward under its real names. */
export function familyUnlearnModel(id: string, lm: NormalizedLmConfig, params: ArrRecord, tokenizer: LmTokenizer, configJson: Record<string, unknown>): UnlearnModel {
  const m = { id, lm, cfg: familyDims(lm), graphCfg: graphConfigForLm(lm) } as CircuitModel;
  return unlearnModelFrom({ ...m, params, tokenizer, weightsSha256: '' }, configJson, Object.keys(params));
}

/** Loads config.json, tokenizer files and model.safetensors (bytes) into the lab engine, or names why it cannot. */
export async function loadUnlearnModel(id: string, files: CircuitModelFiles): Promise<UnlearnModel> {
  let m: CircuitModel;
  let config: Record<string, unknown>;
  let names: string[];
  try {
    m = await loadCircuitModel(id, files);
    config = JSON.parse(new TextDecoder().decode(files['config.json'])) as Record<string, unknown>;
    const bytes = files['model.safetensors'];
    const n = parseHeaderLength(bytes.byteLength, bytes.subarray(0, 8), `${id}/model.safetensors`);
    names = parseHeader(bytes.byteLength, n, bytes.subarray(8, 8 + n), `${id}/model.safetensors`).tensors.map((t) => t.name);
  } catch (e) {
    if (e instanceof CircuitsModelError || e instanceof EditsError || e instanceof SyntaxError) throw new UnlearnModelError(id, (e as Error).message);
    throw e;
  }
  if (m.tokenizer.vocabSize > m.cfg.vocabSize) throw new UnlearnModelError(id, 'the tokenizer is larger than the embedding');
  return unlearnModelFrom(m, config, names);
}

/** The engine names of a family role in layers `layers` (e.g. RMU's MLP down-projections). */
export function roleParams(model: UnlearnModel, role: 'down', layers: number[]): string[] {
  return layers.map((l) => {
    const name = tensorName(FAMILIES[model.family].tensors, role, l);
    if (!name || !(name in model.params)) throw new UnlearnModelError(model.id, `no ${role} tensor in layer ${l}`);
    return name;
  });
}

/** Params whose engine name fully matches one of the regexes (open-unlearning's trainable_params_regex). */
export function matchParams(model: UnlearnModel, regexes: readonly string[]): string[] {
  const rs = regexes.map((r) => new RegExp(`^(?:${r})$`));
  return Object.keys(model.params).filter((n) => rs.some((r) => r.test(n) || r.test(model.fileName(n))));
}

/**
 * Per-element 0/1 masks of the tensors a circuit owns (its heads' q/k/v/o slices, its MLPs), for the tensors in
 * `trainable`; tensors the circuit does not touch are dropped from training. A circuit whose cfg or nodes do not
 * fit the model is a ForeignCircuitError.
 */
export function circuitMasks(model: UnlearnModel, sel: CircuitSelection, trainable: readonly string[]): Map<string, Float32Array> {
  const foreign = (why: string) => new ForeignCircuitError(model.id, why);
  if (sel.nLayers !== undefined && sel.nLayers !== model.nLayers) throw foreign(`it has ${sel.nLayers} layers, the model ${model.nLayers}`);
  if (sel.nHeads !== undefined && sel.nHeads !== model.nHeads) throw foreign(`it has ${sel.nHeads} heads per layer, the model ${model.nHeads}`);
  if (sel.modelType !== undefined && !FAMILIES[model.family].modelTypes.includes(sel.modelType)) throw foreign(`it was made on a ${sel.modelType} model, this one is ${model.family}`);
  const bad = [...sel.mlps.filter((l) => l >= model.nLayers).map((l) => `m${l}`), ...(sel.neurons ?? []).filter(([l]) => l >= model.nLayers).map(([l, j]) => `m${l}.n${j}`), ...sel.heads.filter(([l, h]) => l >= model.nLayers || h >= model.nHeads).map(([l, h]) => `a${l}.h${h}`)];
  if (bad.length) throw foreign(`nodes ${bad.slice(0, 5).join(', ')} do not exist in it`);
  const specs = Object.entries(model.params).map(([n, a]) => ({ name: model.fileName(n), dtype: 'F32' as const, shape: [...a.shape] }));
  const out = new Map<string, Float32Array>();
  try {
    const arch = resolveArch(specs, { config: model.configJson, circuit: sel });
    for (const name of trainable) {
      const shape = [...model.params[name].shape];
      const m = maskForTensor({ name: model.fileName(name), dtype: 'F32', shape }, sel, arch);
      if (!m) continue;
      const mask = new Float32Array(m.rows * m.cols);
      for (const [r0, r1] of m.rowRanges) for (let r = r0; r < r1; r++) for (const [c0, c1] of m.colRanges) mask.fill(1, r * m.cols + c0, r * m.cols + c1);
      out.set(name, mask);
    }
  } catch (e) {
    if (e instanceof ForeignCircuitError || !(e instanceof EditsError)) throw e;
    throw foreign(e.message);
  }
  if (out.size === 0) throw foreign('none of the trainable tensors belongs to its nodes');
  return out;
}

/** Host copies of the parameters under the checkpoint's names (does not consume). */
export function checkpointTensors(model: UnlearnModel, params: ArrRecord): Map<string, { data: Float32Array; shape: number[] }> {
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [n, a] of Object.entries(params)) out.set(model.fileName(n), { data: readF32(a), shape: [...a.shape] });
  return out;
}
