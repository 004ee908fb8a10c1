// Owns one comlink-wrapped worker per engine for a panel: created on first use, terminated on unmount, and
// re-creatable (terminate-and-recreate is how a runaway job is stopped for good).
import { useCallback, useEffect, useRef } from 'react';
import * as Comlink from 'comlink';

export function useWorkerEngine<Api extends object>(create: () => Worker): { engine: () => Comlink.Remote<Api>; restart: () => void } {
  const worker = useRef<Worker | null>(null);
  const remote = useRef<Comlink.Remote<Api> | null>(null);

  const restart = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    remote.current = null;
  }, []);

  const engine = useCallback(() => {
    if (!remote.current) {
      worker.current = create();
      remote.current = Comlink.wrap<Api>(worker.current);
    }
    return remote.current;
  }, [create]);

  useEffect(() => restart, [restart]);
  return { engine, restart };
}
