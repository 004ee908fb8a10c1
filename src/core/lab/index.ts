// Public surface of core/lab: the differentiable engine, the hookable GPT-2 and its training utilities.
// Other modules (forge, circuits, edits, tabular students) import from here, not from the files.
export { DEFAULT_GPT_CONFIG, gptConfig, headDim, toHfConfig, type GptConfig } from './config';
export {
  chooseDevice, fromF32, fromI32, initEngine, keep, LabEngineError, materialize, matmul, np, oneHot, readF32, release, takeF32,
  type Arr, type ArrRecord, type EngineInfo,
} from './engine';
export { geluNew, gptForward, layerNorm, type ForwardResult } from './gpt';
export {
  applyRope, attentionBias, disposeRope, familyNorm, geluTanh, mlpActivation, rmsNorm, ropeFrequencies, ropeTables, softcap, type RopeTables,
} from './blocks';
export {
  attendHeads, decoderDims, decoderForward, embedTokens, mlpBlock, ParamTaker, perHeadBias, perHeadWeights, projectPerHead, qkvWeights, repeatKv,
} from './decoder';
export {
  decoderParamCount, decoderParamSpecs, DecoderParamsError, importDecoderParams, initDecoderParams, initDecoderParamsHost,
  type DecoderParams, type DecoderParamSpec, type HostTensors,
} from './decoderParams';
export { cachedGreedyDecode, type CachedDecodeOptions } from './kvDecode';
export { hookDims, hookShapes, LAYER_HOOKS, type HookDims, type HookName, type HookOptions, type LayerHook } from './hooks';
export { atPositions, logitAt, maskedCrossEntropy, positionMask } from './loss';
export { adamwScalars, adamwUpdate, clipByGlobalNorm, DEFAULT_ADAMW, globalNorm, lrAt, type AdamWConfig } from './optim';
export {
  exportParams, importParams, initParams, initParamsHost, isDecayed, paramCount, paramSpecs, zerosLike, type GptParams,
} from './params';
export { Pcg32 } from './rng';
export { generate, makeLogitsFn, pickToken, type LogitsFn, type SampleOptions } from './sample';
export {
  Batcher, disposeTrainState, initTrainState, makeBatch, makeTrainStep, makeTrainStepFor,
  type Example, type HostBatch, type LogitsOf, type StepStats, type TrainState, type TrainStep,
} from './train';
