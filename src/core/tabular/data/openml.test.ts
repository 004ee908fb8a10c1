import { describe, expect, it } from 'vitest';
import { OfflineError } from './errors';
import { loadOpenMl, openMlTask, type FetchLike } from './openml';

const ARFF = '@relation tiny\n@attribute x numeric\n@attribute class {neg,pos}\n@data\n1,neg\n2,pos\n';

describe('loadOpenMl', () => {
  it('reads the description, then downloads and parses the ARFF', async () => {
    const urls: string[] = [];
    const fetchFn: FetchLike = async (url) => {
      urls.push(url);
      const body = url.includes('/json/data/')
        ? JSON.stringify({ data_set_description: { name: 'tiny', file_id: '77', default_target_attribute: 'class', format: 'ARFF' } })
        : ARFF;
      return { ok: true, status: 200, text: async () => body };
    };
    const ds = await loadOpenMl(31, fetchFn);
    expect(urls).toEqual(['https://www.openml.org/api/v1/json/data/31', 'https://www.openml.org/data/v1/download/77']);
    expect(ds).toMatchObject({ id: 31, name: 'tiny', defaultTarget: 'class' });
    expect(ds.frame.nRows).toBe(2);
    const task = openMlTask(ds);
    expect(task.classNames).toEqual(['neg', 'pos']);
    expect(task.features.columns.map((c) => c.name)).toEqual(['x']);
  });

  it('turns a network failure into an OfflineError with a remedy', async () => {
    const offline: FetchLike = async () => { throw new TypeError('fetch failed'); };
    const err = await loadOpenMl(31, offline).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OfflineError);
    expect((err as Error).message).toMatch(/offline.*load the file instead/);
  });

  it('reports HTTP errors and bad ids', async () => {
    const notFound: FetchLike = async () => ({ ok: false, status: 404, text: async () => '' });
    await expect(loadOpenMl(999999999, notFound)).rejects.toThrow(/HTTP 404/);
    await expect(loadOpenMl(-1, notFound)).rejects.toThrow(/positive integer/);
  });
});
