// The shell: navigation (only modules that exist), the routed page, and the status bar.
import { FEATURES, featureById } from './featureRegistry';
import { parseRoute } from '../state/linkCodec';
import { useHash, useNavigationCount } from './useHashRoute';
import { ModuleView } from './ModuleView';
import { StatusBar } from './StatusBar';
import { HomePage } from './pages/HomePage';
import { HistoryPage } from './pages/HistoryPage';
import { CapabilitiesPage } from './pages/CapabilitiesPage';
import { ModelsPage } from './pages/ModelsPage';
import { LinkErrorView, UnknownPageView } from './pages/LinkErrorView';
import { LinkError } from '../state/linkErrors';

const PAGES = [...FEATURES.map((f) => ({ id: f.id as string, title: f.title })), { id: 'models', title: 'Models' }, { id: 'history', title: 'History' }, { id: 'capabilities', title: 'Capabilities' }];

function Page({ hash, navigation }: { hash: string; navigation: number }) {
  const { module } = parseRoute(hash);
  if (module === '' || module === 'home') return <HomePage />;
  if (module === 'capabilities') return <CapabilitiesPage />;
  if (module === 'history') return <HistoryPage />;
  if (module === 'models') return <ModelsPage />;
  const feature = featureById(module);
  // keyed by the navigation count too: every real navigation opens the module afresh (its link's spec and digest,
  // a re-run to reproduce), even to the very link the module last mirrored
  if (feature) return <ModuleView key={`${feature.id}:${navigation}`} feature={feature} hash={hash} />;
  // A link (it carries a query) to a module this build lacks is a refused link; anything else is a mistyped address.
  if (hash.includes('?')) return <LinkErrorView error={new LinkError('unknown-module', `"${module}" is not a module of this workbench build`)} />;
  return <UnknownPageView page={module} pages={PAGES} />;
}

export function App() {
  const hash = useHash();
  const navigation = useNavigationCount();
  const { module } = parseRoute(hash);
  return (
    <div className="shell">
      <nav className="nav" data-testid="nav">
        <a href="#/" className="brand">Workbench</a>
        {PAGES.map((l) => (
          <a key={l.id} href={`#/${l.id}`} className={module === l.id ? 'active' : ''} data-testid={`nav-${l.id}`}>{l.title}</a>
        ))}
      </nav>
      <main className="content">
        <Page hash={hash} navigation={navigation} />
      </main>
      <StatusBar />
    </div>
  );
}
