// The hub URL setting: where hub ids resolve when remote downloads are allowed. The production default is the real
// hub (RUNTIME_DEFAULTS.hubUrl); a user may point the app at a mirror or at the loopback hub (npm run hub). The
// value is remembered in this browser (APP_STATE_PERSISTENCE.hubUrl = 'history'), never put in a share link.
import { RUNTIME_DEFAULTS } from '../../core/runtime/config';
import { normalizeHubUrl } from '../../core/runtime/hub';
import { APP_STATE_PERSISTENCE } from '../../state/persistence';

const KEY = 'workbench.models.hubUrl';

export function rememberedHubUrl(): string {
  try {
    return localStorage.getItem(KEY) ?? RUNTIME_DEFAULTS.hubUrl;
  } catch {
    return RUNTIME_DEFAULTS.hubUrl;
  }
}

/** Normalises and remembers `input`; throws (with what is wrong) when it is not an http(s) base URL. */
export function rememberHubUrl(input: string): string {
  const url = normalizeHubUrl(input);
  if (APP_STATE_PERSISTENCE.hubUrl !== 'history') return url;
  try {
    if (url === RUNTIME_DEFAULTS.hubUrl) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, url);
  } catch {
    // storage disabled: the URL applies to this page only
  }
  return url;
}
