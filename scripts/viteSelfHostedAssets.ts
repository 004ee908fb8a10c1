// Serves the embedded models (models/) and onnxruntime-web's runtime and wasm (no CDN) at fixed URL prefixes, in dev
// and preview alike, and copies them into the build's outDir for static hosting; /ort/ holds only the files the app
// loads (ORT_SHIPPED_FILES, one wasm). A missing file under these prefixes is a
// plain-text 404: an SPA fallback answering index.html would later be parsed as a "model" and fail obscurely.
import { createReadStream, existsSync, statSync, cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join, normalize, resolve, sep, extname } from 'node:path';
import type { Plugin } from 'vite';
import { ORT_SHIPPED_FILES } from './viteOrtFromSelfHost';

interface Mount { prefix: string; dir: string; filter?: (name: string) => boolean }

const contentTypes: Record<string, string> = {
  '.json': 'application/json', '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.onnx': 'application/octet-stream', '.safetensors': 'application/octet-stream', '.csv': 'text/csv',
};

type Req = { url?: string; method?: string };
type Res = { statusCode: number; setHeader(k: string, v: string | number): void; end(body?: string): void };

function resolveInside(dir: string, rel: string): string | undefined {
  const root = resolve(dir);
  const full = normalize(join(root, decodeURIComponent(rel)));
  return full === root || full.startsWith(root + sep) ? full : undefined;
}

export function selfHostedAssets(root: string): Plugin {
  const mounts: Mount[] = [
    { prefix: '/models/', dir: join(root, 'models'), filter: (n) => !n.includes('forge') || n.endsWith('forge.json') },
    { prefix: '/ort/', dir: join(root, 'node_modules', 'onnxruntime-web', 'dist'), filter: (n) => ORT_SHIPPED_FILES.includes(n) },
  ];
  const middleware = (req: Req, res: Res, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    const mount = mounts.find((m) => url.startsWith(m.prefix));
    if (!mount) return next();
    const rel = url.slice(mount.prefix.length);
    const file = resolveInside(mount.dir, rel);
    const name = rel.split('/').pop() ?? '';
    if (!file || !existsSync(file) || !statSync(file).isFile() || (mount.filter && !mount.filter(rel) && !mount.filter(name))) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`404 Not Found: ${url} (no such file is served; check the model id and models/manifest.json)`);
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', contentTypes[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // ORT starts its thread pool with these .mjs files as worker scripts: in an isolated page a worker script
    // without COEP is blocked (ERR_BLOCKED_BY_RESPONSE), so they carry the same isolation headers as the page.
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-cache');
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res as unknown as NodeJS.WritableStream);
  };
  let outDir = join(root, 'dist');
  return {
    name: 'self-hosted-assets',
    configResolved(config) { outDir = resolve(config.root, config.build.outDir); },
    configureServer(server) { server.middlewares.use(middleware); },
    configurePreviewServer(server) { server.middlewares.use(middleware); },
    closeBundle() {
      const out = outDir;
      if (!existsSync(out)) return;
      for (const m of mounts) {
        if (!existsSync(m.dir)) continue;
        const target = join(out, m.prefix);
        mkdirSync(target, { recursive: true });
        if (m.prefix === '/ort/') {
          for (const f of readdirSync(m.dir)) if (m.filter?.(f)) cpSync(join(m.dir, f), join(target, f));
        } else {
          cpSync(m.dir, target, { recursive: true, filter: (src) => !src.includes(`${sep}forge${sep}`) });
        }
      }
    },
  };
}
