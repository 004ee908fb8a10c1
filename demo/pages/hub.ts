// Hub demo: architecture replicas of real families (real config keys, tensor names and tokenizers, random weights;
// src/core/lm/replicas) are written to a scratch folder and served by the loopback hub started here, which speaks
// the Hugging Face resolve/LFS protocol; the Models page loads them by hub id with "allow remote downloads".
// Figures: for each id, the provider that ran and the inputs the ONNX session declares.
import { join } from 'node:path';
import { startLoopbackHub, type LoopbackHub } from '../../scripts/loopbackHub';
import { writeReplica } from '../../src/core/lm/replicas/writeReplicaNode';
import type { Story } from '../story';
import { RUN_TIMEOUT, WorkbenchPage } from './workbenchPage';

export class ModelsPage extends WorkbenchPage {
  async open(): Promise<void> {
    await this.openAt('#/models', 'page-models');
    await this.waitReady('other-models');
  }

  async setHubUrl(url: string): Promise<void> {
    await this.page.getByTestId('hub-url').fill(url);
  }

  /** Loads `id` from the hub; resolves with the card's result line, throws with its named error. */
  async loadByHubId(id: string): Promise<string> {
    await this.page.getByTestId('hub-id').fill(id);
    await this.page.getByTestId('allow-remote').check();
    await this.page.getByTestId('load-hub').click();
    // a previous id's line may still show: wait for this id's line or an error
    const line = this.page.getByTestId('other-model-result').filter({ hasText: `${id}: runs on` });
    const error = this.page.getByTestId('other-model-error');
    await line.or(error).first().waitFor(RUN_TIMEOUT);
    if (await error.count()) throw new Error(`${id}: ${await this.text('other-model-error')}`);
    await this.reveal('other-models');
    return (await line.innerText()).trim();
  }
}

export const hubStory: Story = {
  id: 'hub',
  title: 'Loopback hub: real-family replicas loaded by hub id',
  async run(ctx) {
    const p = new ModelsPage(ctx.page, ctx.baseUrl);
    // short: TinyLlama (Llama 2 tokenizer, 32k vocabulary) loads in seconds; the 128k–262k vocabularies take longer
    // (the Llama 3 replica keeps its weights in model.onnx_data, fetched with the .onnx as its graph names it)
    const families = ctx.short ? ['tinyllama'] : ['tinyllama', 'llama3', 'qwen3', 'gemma3'];
    let hub: LoopbackHub | undefined;
    try {
      await ctx.step('hub', `Replicas of ${families.join(', ')} (real configs, tensor names and tokenizers; random weights) are written and served by the loopback hub on 127.0.0.1.`, async () => {
        const mounts: Record<string, string> = {};
        for (const id of families) {
          await writeReplica(id, join(ctx.workDir, 'replicas', id), { variants: ['fp32'] });
          mounts[`replicas/${id}`] = join(ctx.workDir, 'replicas', id);
        }
        hub = await startLoopbackHub({ embedded: false, mounts });
        await p.open();
        await p.setHubUrl(hub.url);
      });
      for (const id of families) {
        await ctx.step(`load ${id}`, `The Models page loads replicas/${id} by hub id: resolve, LFS redirect, sha-checked download into the Cache API, an ONNX session in the engine worker.`, async () => {
          const line = await p.loadByHubId(`replicas/${id}`);
          // "<id>: runs on wasm; inputs input_ids int64 [batch_size, sequence_length], …"
          const inputs = [...(/inputs (.*)$/.exec(line)?.[1] ?? '').matchAll(/(\S+) \w+ \[[^\]]*\]/g)].map((m) => m[1]);
          ctx.figure(`replicas/${id} provider`, /runs on ([^;\s]+)/.exec(line)?.[1] ?? line);
          ctx.figure(`replicas/${id} inputs`, `${inputs.length}: ${inputs.filter((i) => !i.startsWith('past_key_values')).join(', ')} + ${inputs.filter((i) => i.startsWith('past_key_values')).length} KV`);
        });
      }
      ctx.figure('hub requests', hub!.requests.length);
    } finally {
      await hub?.close();
    }
  },
};
