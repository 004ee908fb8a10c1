import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../linkCodec';
import { linkSafeSpec } from '../persistence';

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
