// Vite serves the SPA with COOP/COEP so crossOriginIsolated is true and ORT's WASM threads work.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { selfHostedAssets } from './scripts/viteSelfHostedAssets';
import { ortFromSelfHost } from './scripts/viteOrtFromSelfHost';
import { nodeBuildInfo } from './src/core/experiments/buildInfoNode';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [ortFromSelfHost(), react(), selfHostedAssets(import.meta.dirname)],
  appType: 'spa',
  server: { headers: isolationHeaders, port: 5173, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, port: 4173, host: '127.0.0.1' },
  // Workers are bundled separately: they need the same ORT redirect or each would carry its own ORT.
  worker: { format: 'es', plugins: () => [ortFromSelfHost()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@jax-js/jax'] },
  // git revision, dirty flag and engine versions of this build, for run records (src/core/experiments/environment.ts)
  define: { __WORKBENCH_BUILD__: JSON.stringify(nodeBuildInfo(import.meta.dirname)) },
});
