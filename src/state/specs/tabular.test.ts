import { describe, expect, it } from 'vitest';
import { strToU8, zlibSync } from 'fflate';
import { base64UrlEncode, decodeLink, encodeLink } from '../linkCodec';
import { linkSafeSpec } from '../persistence';
import { linkRefusal, rawLink } from './linkTestKit';
import { tabularSpec, type TabularSpec } from './tabular';

const decode = (spec: Record<string, unknown>) => decodeLink(encodeLink('tabular', spec))!;

describe('tabular spec: dataset reading options', () => {
  it('a link carries the CSV header setting and a target by position ("last column")', () => {
    const spec = { dataset: { id: 'pima-indians-diabetes.csv', sha256: 'a'.repeat(64) }, header: false, target: -1 };
    expect(linkSafeSpec('tabular', spec)).toMatchObject({ header: false, target: -1 });
    expect(decode(spec).spec).toMatchObject({ header: false, target: -1 });
    expect(decode({ header: 'auto', target: 'class' }).spec).toMatchObject({ header: 'auto', target: 'class' });
  });

  it('a link without a header setting means detection (older links decode unchanged)', () => {
    expect(decode({ target: 'class' }).spec.header).toBeUndefined();
  });
});

describe('tabular spec v2: the tuned GBDT teacher and the decision cut-off', () => {
  it('a v1 link (no cut-off, no tuned-gbdt) decodes with Youden\'s J and ONNX TFMs left out', () => {
    const v1 = decodeLink(rawLink('tabular', { teachers: ['knn', 'logreg'], folds: 3 }))!.spec as TabularSpec;
    expect(v1.cutoff).toEqual({ criterion: 'youden', onnxTeachers: false });
    expect(v1.teachers).toEqual(['knn', 'logreg']);
  });

  it('a link carries tuned-gbdt and the criterion, and the default teachers stay the in-context three', () => {
    const spec = { teachers: ['tuned-gbdt', 'logreg'], cutoff: { criterion: 'f1', onnxTeachers: true } };
    expect(linkSafeSpec('tabular', spec)).toEqual(spec);
    expect(decode(spec).spec).toMatchObject(spec);
    expect(tabularSpec.schema.parse({}).teachers).toEqual(['tfm', 'knn', 'logreg']);
  });

  it('refuses an unknown criterion and a link from a newer spec version, naming why', () => {
    expect(linkRefusal(rawLink('tabular', { cutoff: { criterion: 'mcc' } })).message).toMatch(/cutoff\.criterion/);
    const newer = `#/tabular?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: 'tabular', sv: tabularSpec.version + 1, s: {} }))))}`;
    expect(linkRefusal(newer).message).toMatch(new RegExp(`newer than this workbench's ${tabularSpec.version}`));
  });
});

describe('tabular spec v3: how the embedded tfm is fed', () => {
  it('v1/v2 links decode to the feed they ran (one-hot, stratified draws); new specs default to per-member shuffled codes + minority-complete', () => {
    const v2 = `#/tabular?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: 'tabular', sv: 2, s: { teachers: ['tfm'] } }))))}`;
    expect((decodeLink(v2)!.spec as TabularSpec).tfmFeed).toBe('onehot-stratified');
    expect((decodeLink(rawLink('tabular', { teachers: ['tfm'] }))!.spec as TabularSpec).tfmFeed).toBe('onehot-stratified');
    expect(tabularSpec.schema.parse({}).tfmFeed).toBe('shuffled-codes-32-members-minority-complete');
    // a v3 link ran the codes in fixed order; one that names a feed keeps it
    const v3 = (s: object) => `#/tabular?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: 'tabular', sv: 3, s }))))}`;
    expect((decodeLink(v3({ teachers: ['tfm'] }))!.spec as TabularSpec).tfmFeed).toBe('codes-minority-complete');
    expect((decodeLink(v3({ tfmFeed: 'onehot-stratified' }))!.spec as TabularSpec).tfmFeed).toBe('onehot-stratified');
    // a v4 link ran 8 members on every table
    const v4 = (s: object) => `#/tabular?s=${base64UrlEncode(zlibSync(strToU8(JSON.stringify({ v: 1, m: 'tabular', sv: 4, s }))))}`;
    expect((decodeLink(v4({ teachers: ['tfm'] }))!.spec as TabularSpec).tfmFeed).toBe('shuffled-codes-minority-complete');
    expect((decodeLink(v4({ tfmFeed: 'codes-minority-complete' }))!.spec as TabularSpec).tfmFeed).toBe('codes-minority-complete');
    expect(decode({ tfmFeed: 'shuffled-codes-32-members-minority-complete' }).spec).toMatchObject({ tfmFeed: 'shuffled-codes-32-members-minority-complete' });
    expect(decode({ tfmFeed: 'shuffled-codes-minority-complete' }).spec).toMatchObject({ tfmFeed: 'shuffled-codes-minority-complete' });
    expect(decode({ tfmFeed: 'codes-minority-complete' }).spec).toMatchObject({ tfmFeed: 'codes-minority-complete' });
    expect(decode({ tfmFeed: 'onehot-stratified' }).spec).toMatchObject({ tfmFeed: 'onehot-stratified' });
    expect(linkRefusal(rawLink('tabular', { tfmFeed: 'ordinal' })).message).toMatch(/tfmFeed/);
  });
});
