// Bottom bar: which compute backend the loaded models run on and why (the probe's choice before any loads), so a
// result is never silently from a fallback or a software GPU.
import { shownBackend, useAppStore } from '../state/appStore';

export function StatusBar() {
  const probe = useAppStore((s) => s.backend);
  const loaded = useAppStore((s) => s.loaded);
  const backend = shownBackend({ backend: probe, loaded });
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span>Backend: <strong data-testid="active-backend" data-source={backend.source}>{backend.active}</strong></span>
      <span className="muted" data-testid="backend-reason">{backend.reason}</span>
      <span className="muted">isolated: {String(globalThis.crossOriginIsolated ?? false)}</span>
    </footer>
  );
}
