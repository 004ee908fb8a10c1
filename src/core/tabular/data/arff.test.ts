import { describe, expect, it } from 'vitest';
import { parseArff } from './arff';

const ARFF = `% a comment
@RELATION weather
@attribute outlook {sunny, overcast, 'rainy day'}
@attribute temperature numeric
@attribute 'note text' string
@attribute play {no,yes}
@data
sunny,85,'hot, dry',no
% comment inside data
overcast,?,mild,yes
'rainy day',70.5,?,yes
`;

describe('parseArff', () => {
  it('reads nominal (declared level order), numeric, string, missing and comments', () => {
    const f = parseArff(ARFF);
    expect(f.nRows).toBe(3);
    const [outlook, temp, note, play] = f.columns;
    expect(outlook).toMatchObject({ kind: 'categorical', levels: ['sunny', 'overcast', 'rainy day'] });
    if (outlook.kind === 'categorical') expect(Array.from(outlook.codes)).toEqual([0, 1, 2]);
    if (temp.kind === 'numeric') expect(Array.from(temp.values)).toEqual([85, NaN, 70.5]);
    else throw new Error('temperature should be numeric');
    expect(note).toMatchObject({ kind: 'categorical', name: 'note text', levels: ['hot, dry', 'mild'] });
    if (play.kind === 'categorical') expect(play.levels).toEqual(['no', 'yes']);
  });

  it('reads sparse rows with Weka defaults (0 / first level)', () => {
    const f = parseArff('@relation s\n@attribute a numeric\n@attribute b numeric\n@attribute c {x,y}\n@data\n{1 5, 2 y}\n{0 2}\n');
    const [a, b, c] = f.columns;
    if (a.kind === 'numeric' && b.kind === 'numeric' && c.kind === 'categorical') {
      expect(Array.from(a.values)).toEqual([0, 2]);
      expect(Array.from(b.values)).toEqual([5, 0]);
      expect(Array.from(c.codes)).toEqual([1, 0]);
    } else throw new Error('unexpected column kinds');
  });

  it('names the bad line or value', () => {
    expect(() => parseArff('@relation r\n@attribute a numeric\n@data\n1,2\n')).toThrow(/line 4: 2 values, expected 1/);
    expect(() => parseArff('@relation r\n@attribute a {p,q}\n@data\nz\n')).toThrow(/"z" is not a declared level of "a"/);
    expect(() => parseArff('@relation r\n@attribute a numeric\n@data\nabc\n')).toThrow(/numeric but holds "abc"/);
    expect(() => parseArff('a,b\n1,2\n')).toThrow(/unexpected header line/);
  });

  it('decodes Latin-1 bytes as Latin-1 with a warning (not U+FFFD), and refuses mixed encodings naming the offset', () => {
    // the ü of Zürich is the single Latin-1 byte 0xFC after 30 ASCII bytes
    const latin1 = new Uint8Array([...new TextEncoder().encode('@relation t\n@attribute city {Z'), 0xfc, ...new TextEncoder().encode('rich,Bern}\n@data\nBern\n')]);
    const warnings: string[] = [];
    const f = parseArff(latin1, undefined, (w) => warnings.push(w.message));
    expect(f.columns[0]).toMatchObject({ kind: 'categorical', levels: ['Zürich', 'Bern'] });
    expect(warnings[0]).toMatch(/byte 0xFC at byte offset 30.*Latin-1/);
    const mixed = new Uint8Array([...new TextEncoder().encode('@relation café\n@attribute x {a,b}\n@data\n'), 0xff, 0x0a]);
    expect(() => parseArff(mixed)).toThrow(/byte 0xFF at byte offset 41/);
  });
});
