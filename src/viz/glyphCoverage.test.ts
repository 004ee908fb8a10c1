// Every non-ASCII character the UI prints must have a glyph in a font this machine has (Debian's Chromium shows
// an empty box otherwise, as it did for "ⓘ"): asks fontconfig, which Chromium uses on Linux. Icons no font is
// sure to have are drawn as SVG (src/viz/InfoIcon.tsx).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function uiSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return uiSources(full);
    return full.endsWith('.tsx') ? [full] : [];
  });
}

function hasFontconfig(): boolean {
  try {
    execFileSync('fc-list', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Skipped where fontconfig (fc-list) is absent: it comes with Debian's chromium, which the e2e step installs.
describe.skipIf(!hasFontconfig())('UI glyphs (fontconfig; skipped without fc-list)', () => {
  it('every non-ASCII character in src/**/*.tsx is in an installed font', () => {
    const root = new URL('..', import.meta.url).pathname;
    const where = new Map<string, string>();
    for (const file of uiSources(root)) {
      for (const ch of readFileSync(file, 'utf8')) if (ch.codePointAt(0)! > 0x7e && !where.has(ch)) where.set(ch, file.slice(root.length));
    }
    const missing = [...where].filter(([ch]) => {
      const fonts = execFileSync('fc-list', [`:charset=${ch.codePointAt(0)!.toString(16)}`, 'family'], { encoding: 'utf8' });
      return fonts.trim() === '';
    }).map(([ch, file]) => `${ch} (U+${ch.codePointAt(0)!.toString(16).toUpperCase()}) in ${file}`);
    expect(missing).toEqual([]);
  });
});
