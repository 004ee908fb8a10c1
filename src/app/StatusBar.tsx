// Bottom bar: which compute backend is active and why, so a result is never silently from a fallback.
import { useAppStore } from '../state/appStore';

export function StatusBar() {
  const backend = useAppStore((s) => s.backend);
  return (
    <footer className="status-bar" data-testid="status-bar">
      <span>Backend: <strong data-testid="active-backend">{backend.active}</strong></span>
      <span className="muted" data-testid="backend-reason">{backend.reason}</span>
      <span className="muted">isolated: {String(globalThis.crossOriginIsolated ?? false)}</span>
    </footer>
  );
}
