// `npm run hub -- [--root DIR] [--port N] [--mount owner/name=DIR]… [--fault TARGET=KIND[:ARG]]… [--no-embedded]`:
// the loopback hub (loopbackHub.ts) as a process for demos and manual checks. Prints one ready line with the URL to
// paste into the app's hub URL setting; faults can also be switched later over the admin routes (`/_hub/faults`).
import { parseArgs } from 'node:util';
import { parseFault, startLoopbackHub } from './loopbackHub';

const pair = (s: string, what: string): [string, string] => {
  const at = s.indexOf('=');
  if (at <= 0) throw new Error(`--${what} expects KEY=VALUE, got "${s}"`);
  return [s.slice(0, at), s.slice(at + 1)];
};

async function main() {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      port: { type: 'string', default: '4310' },
      mount: { type: 'string', multiple: true, default: [] },
      fault: { type: 'string', multiple: true, default: [] },
      'no-embedded': { type: 'boolean', default: false },
    },
  });
  const hub = await startLoopbackHub({
    port: Number(values.port),
    ...(values.root ? { root: values.root } : {}),
    mounts: Object.fromEntries(values.mount.map((m) => pair(m, 'mount'))),
    embedded: !values['no-embedded'],
  });
  for (const f of values.fault) {
    const [target, spec] = pair(f, 'fault');
    hub.setFault(target, parseFault(spec));
  }
  console.log(`loopback hub ready at ${hub.url} (embedded models as workbench/<id>${values.root ? `, repos under ${values.root}` : ''})`);
  const stop = () => void hub.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
