// On-screen narration for demos: a fixed caption at the bottom of the page saying which module and step is running
// and what it shows, so screenshots and videos explain themselves. Injected with page.evaluate (it is no part of the
// app) and re-injected after navigations, which replace the document.
import type { Page } from '@playwright/test';

export interface Caption {
  /** e.g. "ALIGNBEAM · 2/4 configure" */
  heading: string;
  text: string;
  /** a failed step is captioned in red with its error */
  error?: string;
}

export async function narrate(page: Page, caption: Caption): Promise<void> {
  await page.evaluate((c) => {
    let box = document.getElementById('demo-narration');
    if (!box) {
      box = document.createElement('div');
      box.id = 'demo-narration';
      box.setAttribute('data-testid', 'demo-narration');
      box.setAttribute('aria-live', 'polite');
      Object.assign(box.style, {
        position: 'fixed', left: '16px', right: '16px', bottom: '16px', zIndex: '2147483647', pointerEvents: 'none',
        padding: '10px 14px', borderRadius: '8px', font: '15px/1.45 system-ui, sans-serif', color: '#fff',
        boxShadow: '0 2px 12px rgba(0, 0, 0, 0.35)',
      });
      document.body.appendChild(box);
    }
    box.style.background = c.error ? 'rgba(150, 24, 24, 0.92)' : 'rgba(20, 24, 33, 0.88)';
    box.replaceChildren();
    const heading = document.createElement('strong');
    heading.textContent = `${c.heading} — `;
    box.append(heading, document.createTextNode(c.text));
    if (c.error) {
      const err = document.createElement('div');
      err.textContent = c.error;
      err.style.marginTop = '4px';
      box.append(err);
    }
  }, caption);
}
