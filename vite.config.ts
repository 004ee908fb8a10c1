// Vite serves the SPA with COOP/COEP so crossOriginIsolated is true and ORT's WASM threads work.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { selfHostedAssets } from './scripts/viteSelfHostedAssets';

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), selfHostedAssets(import.meta.dirname)],
  appType: 'spa',
  server: { headers: isolationHeaders, port: 5173, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, port: 4173, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 8192 },
  optimizeDeps: { exclude: ['onnxruntime-web', '@jax-js/jax'] },
});
