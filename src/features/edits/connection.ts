// Connection to the edits sidecar. The URL may be remembered in this browser (persistence "history": never in
// a link); the bearer token lives in memory only (APP_STATE_PERSISTENCE.sidecarToken = 'none'), in this
// zustand store, so it survives moving between modules but not a reload.
import { useCallback } from 'react';
import { create } from 'zustand';
import { APP_STATE_PERSISTENCE } from '../../state/persistence';
import { DEFAULT_SIDECAR_URL, SidecarClient, SidecarError } from './sidecarClient';
import type { CheckpointEntry } from './sidecarTypes';

const URL_KEY = 'workbench.edits.sidecarUrl';

function rememberedUrl(): string {
  try {
    return localStorage.getItem(URL_KEY) ?? DEFAULT_SIDECAR_URL;
  } catch {
    return DEFAULT_SIDECAR_URL;
  }
}

function rememberUrl(url: string): void {
  if (APP_STATE_PERSISTENCE.sidecarUrl !== 'history') return;
  try {
    localStorage.setItem(URL_KEY, url);
  } catch {
    // storage disabled: the URL is simply not remembered
  }
}

export type Connection =
  | { status: 'idle' }
  | { status: 'connecting' }
  | { status: 'connected'; client: SidecarClient; tool: string; checkpoints: CheckpointEntry[] }
  | { status: 'error'; error: SidecarError };

interface ConnectionState {
  url: string;
  token: string;
  connection: Connection;
  setUrl: (url: string) => void;
  setToken: (token: string) => void;
  set: (c: Connection) => void;
}

export const useConnectionStore = create<ConnectionState>((set) => ({
  url: rememberedUrl(),
  token: '',
  connection: { status: 'idle' },
  setUrl: (url) => set({ url }),
  setToken: (token) => set({ token }),
  set: (connection) => set({ connection }),
}));

export function asSidecarError(e: unknown): SidecarError {
  return e instanceof SidecarError ? e : new SidecarError('server', e instanceof Error ? e.message : String(e));
}

/** Connect (health + checkpoint list) and refresh the list after a job wrote new outputs. */
export function useConnection() {
  const { url, token, connection, setUrl, setToken, set } = useConnectionStore();

  const connect = useCallback(async () => {
    set({ status: 'connecting' });
    const client = new SidecarClient(url, token.trim());
    try {
      const health = await client.health();
      const checkpoints = await client.checkpoints();
      rememberUrl(client.url);
      set({ status: 'connected', client, tool: `${health.tool.name} ${health.tool.version}`, checkpoints });
    } catch (e) {
      set({ status: 'error', error: asSidecarError(e) });
    }
  }, [url, token, set]);

  const refresh = useCallback(async () => {
    const c = useConnectionStore.getState().connection;
    if (c.status !== 'connected') return;
    try {
      set({ ...c, checkpoints: await c.client.checkpoints() });
    } catch (e) {
      set({ status: 'error', error: asSidecarError(e) });
    }
  }, [set]);

  return { url, token, connection, setUrl, setToken, connect, refresh };
}
