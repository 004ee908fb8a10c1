// Entry point: mounts the shell, installs the e2e test hook, marks the root ready.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTestHook } from './testHook';
import { probeBackend } from './probeBackend';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
installTestHook();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
root.dataset.state = 'ready';
void probeBackend();
