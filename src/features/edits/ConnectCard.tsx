// Connect card: sidecar URL and bearer token (a password field; the token is kept in memory only), and what
// to do when no sidecar answers.
import { useConnection } from './connection';

export function ConnectCard() {
  const { url, token, connection, setUrl, setToken, connect } = useConnection();
  const state = connection.status === 'connecting' ? 'loading' : connection.status === 'error' ? 'error' : 'ready';
  return (
    <div className="card" data-testid="sidecar-connect" data-state={state} data-connection={connection.status}>
      <h2>Sidecar</h2>
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void connect(); }}>
        <label>URL <input type="url" size={28} value={url} data-testid="sidecar-url" onChange={(e) => setUrl(e.target.value)} /></label>
        <label>token <input type="password" size={44} autoComplete="off" value={token} data-testid="sidecar-token" onChange={(e) => setToken(e.target.value)} /></label>
        <button type="submit" data-testid="sidecar-connect-button" disabled={connection.status === 'connecting'}>Connect</button>
        {connection.status === 'connected' && <span className="ok" data-testid="sidecar-connected">Connected to {connection.tool}.</span>}
      </form>
      {connection.status !== 'connected' && (
        <p className="muted" data-testid="sidecar-hint">
          Edits run in a local sidecar process, not in this tab. Start the sidecar with
          {' '}<code>npm run sidecar -- --workspace &lt;dir&gt;</code> and paste the token it prints (the
          {' '}<code>SIDECAR_READY</code> line). If this page is not on a default origin, add
          {' '}<code>--origin {window.location.origin}</code>. The token stays in this tab&apos;s memory only.
        </p>
      )}
      {connection.status === 'error' && (
        <p className="error" role="alert" data-testid="sidecar-error" data-kind={connection.error.kind}>{connection.error.message}</p>
      )}
    </div>
  );
}
