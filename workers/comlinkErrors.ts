// Comlink sends thrown Errors as {name, message, stack} only, which would strip the runtime errors' `code` and
// `remedy`. This wraps comlink's "throw" handler so RuntimeErrors arrive as themselves. Install it on BOTH sides:
// in each worker (runtimeWorker.ts does) and once in the main thread before the first call.
import * as Comlink from 'comlink';
import { isRuntimeError, reviveRuntimeError, serializeRuntimeError, type SerializedRuntimeError } from '../src/core/runtime/errors';

type Thrown = { value: unknown };
type Wire = { runtimeError: SerializedRuntimeError } | { other: unknown };

let installed = false;

export function installRuntimeErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const original = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, unknown>;
  const handler: Comlink.TransferHandler<Thrown, Wire> = {
    canHandle: (v): v is Thrown => original.canHandle(v),
    serialize(thrown) {
      if (isRuntimeError(thrown.value)) return [{ runtimeError: serializeRuntimeError(thrown.value) }, []];
      const [other, transfers] = original.serialize(thrown);
      return [{ other }, transfers];
    },
    deserialize(wire) {
      if ('runtimeError' in wire) throw reviveRuntimeError(wire.runtimeError);
      return original.deserialize(wire.other);
    },
  };
  Comlink.transferHandlers.set('throw', handler as Comlink.TransferHandler<unknown, unknown>);
}
