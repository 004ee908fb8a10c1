// Named errors of the edits module. Each message says what is wrong and what to do about it, because these
// surface verbatim in the sidecar's HTTP answers and in the edits panel.

export class EditsError extends Error {
  override readonly name: string = 'EditsError';
}

/** A safetensors file or shard index that breaks the format (truncated, bad header, overlapping tensors...). */
export class SafetensorsFormatError extends EditsError {
  override readonly name = 'SafetensorsFormatError';
  constructor(file: string, problem: string) {
    super(`${file}: not a valid safetensors file: ${problem}. Re-export it with safetensors' save_file, or pick another file.`);
  }
}

/** A tensor dtype outside the set this tool edits (F32, F16, BF16, I8, U8). */
export class UnsupportedDtypeError extends EditsError {
  override readonly name = 'UnsupportedDtypeError';
}

/** A circuit JSON that is not in the EAP-IG `Graph.to_json` shape. */
export class CircuitFormatError extends EditsError {
  override readonly name = 'CircuitFormatError';
  constructor(problem: string) {
    super(`circuit JSON: ${problem}. Expected the EAP-IG Graph.to_json format (nodes "a{l}.h{h}", "m{l}", edges "a0.h1->m3").`);
  }
}

/** Checkpoints that must line up tensor by tensor (base, aligned, target) do not. */
export class CheckpointMismatchError extends EditsError {
  override readonly name = 'CheckpointMismatchError';
}

/** A circuit node cannot be mapped onto the checkpoint's weights (unknown architecture, missing tensor...). */
export class MaskMappingError extends EditsError {
  override readonly name = 'MaskMappingError';
}

/** The user cancelled a long job; not a failure. */
export class CancelledError extends EditsError {
  override readonly name = 'CancelledError';
  constructor() {
    super('job cancelled');
  }
}
