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

/** A path that must be a regular file is a folder, a FIFO, a socket or a device (reading a FIFO would hang). */
export class NotAFileError extends EditsError {
  override readonly name = 'NotAFileError';
  constructor(label: string, what: string) {
    super(`${label} is ${what}, not a regular file: give the path of a regular file (or of a model folder where a checkpoint is expected)`);
  }
}

/**
 * A file the sidecar just wrote does not read back as intended (its header lists other tensors, or it is
 * shorter than its header says). Nothing is published; this is a bug to report, not a problem of the inputs.
 */
export class OutputVerificationError extends EditsError {
  override readonly name = 'OutputVerificationError';
  constructor(file: string, problem: string) {
    super(`${file}: the written output failed verification (${problem}); nothing was published. Please report this with the input's header`);
  }
}

/** A side file (circuit JSON, shard index, config) too big to read whole; the sidecar answers 413. */
export class FileTooLargeError extends EditsError {
  override readonly name = 'FileTooLargeError';
  constructor(label: string, bytes: number, limit: number) {
    super(`${label} is ${bytes} bytes, over the ${limit}-byte limit for this kind of file`);
  }
}

/** An input file changed (size or modification time) while a job read it: its result would describe neither version. */
export class InputChangedError extends EditsError {
  override readonly name = 'InputChangedError';
  constructor(label: string) {
    super(`${label} changed while the job read it; run the job again once nothing writes to it`);
  }
}

/** An edited checkpoint cannot become an ONNX decoder (a tensor missing or of the wrong size, a graph past 2 GiB). */
export class OnnxExportError extends EditsError {
  override readonly name = 'OnnxExportError';
  constructor(model: string, problem: string) {
    super(`ONNX export of ${model}: ${problem}`);
  }
}

/**
 * A quantization block size the format cannot use: not a positive integer, or (4-bit codes, two per byte) odd.
 * A tensor whose length the block size does not divide is not an error: its last block is short, as in bitsandbytes.
 */
export class QuantBlocksizeError extends EditsError {
  override readonly name = 'QuantBlocksizeError';
  constructor(readonly blocksize: number, readonly requirement: string) {
    super(`quantization block size ${blocksize} is not ${requirement}; use a power of two such as bitsandbytes' 64 (4-bit weights) or 256 (double-quantized absmax)`);
  }
}
