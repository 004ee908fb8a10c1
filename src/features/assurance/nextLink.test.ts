import { describe, expect, it } from 'vitest';
import { EVIDENCE_SOURCES } from '../../core/assurance/report';
import { decodeLink } from '../../state/linkCodec';
import { nextEvidenceLink } from './nextLink';

const item = (module: string, spec?: Record<string, unknown>) => ({ property: 'no-hidden-objectives' as const, evidenceClass: 'linear-probe' as const, module, why: 'w', spec });

describe('next-evidence links', () => {
  it('opens the module pre-filled with the partial spec, defaults filled and clamped like a share link', () => {
    const link = nextEvidenceLink(item('circuits', EVIDENCE_SOURCES['linear-probe'].spec));
    expect(link.prefilled).toBe(true);
    const decoded = decodeLink(link.href)!;
    expect(decoded.module).toBe('circuits');
    expect(decoded.spec).toMatchObject(EVIDENCE_SOURCES['linear-probe'].spec!);
  });

  it('every source the report names opens its module (pre-filled when it has a spec)', () => {
    for (const [cls, source] of Object.entries(EVIDENCE_SOURCES)) {
      const link = nextEvidenceLink(item(source.module, source.spec));
      expect(link.href, cls).toMatch(new RegExp(`^#/${source.module}(\\?s=|$)`));
      expect(link.prefilled, cls).toBe(Boolean(source.spec));
    }
  });

  it('falls back to the plain module, saying why, when the partial cannot be used', () => {
    expect(nextEvidenceLink(item('circuits'))).toEqual({ href: '#/circuits', prefilled: false });
    expect(nextEvidenceLink(item('nope', { a: 1 }))).toMatchObject({ href: '#/nope', prefilled: false, why: expect.stringContaining('not a module') });
    expect(nextEvidenceLink(item('experiments', { a: 1 }))).toMatchObject({ href: '#/experiments', prefilled: false, why: expect.stringContaining('no spec') });
    const bad = nextEvidenceLink(item('circuits', { tab: 'no-such-tab' }));
    expect(bad).toMatchObject({ href: '#/circuits', prefilled: false });
    expect(bad.why).toMatch(/tab/);
  });
});
