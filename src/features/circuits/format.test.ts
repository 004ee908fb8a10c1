// The graph header's method text: the one-click refusal circuit found by ACDC must not read as an EAP-IG circuit.
import { describe, expect, it } from 'vitest';
import { methodLabel } from './format';

describe('methodLabel', () => {
  it('says a one-click circuit was found by ACDC, over the scores drawn', () => {
    const text = methodLabel({ method: 'eap-ig', steps: 5 }, { mode: 'acdc', tau: 0.02, evaluations: 120 });
    expect(text).toBe('circuit found by ACDC (τ = 0.02), edges scored by eap-ig (m = 5)');
  });

  it('names the extraction of a one-click circuit, and the plain method of an attribution graph', () => {
    expect(methodLabel({ method: 'eap' }, { mode: 'topn' })).toBe('circuit by top-n extraction from eap scores');
    expect(methodLabel({ method: 'eap-ig', steps: 8 })).toBe('eap-ig (m = 8)');
    expect(methodLabel({ method: 'patching', acdcTau: 0.05 })).toBe('ACDC (τ = 0.05)');
    expect(methodLabel({})).toBeUndefined();
  });
});
