/** The header's tabs between the lab, the Learn chapters and the Experiments gallery. */
import type { Route, View } from '../route';
import { useLab } from '../store';

const TABS: { view: View; label: string; route: Route }[] = [
  { view: 'lab', label: 'Lab', route: { view: 'lab' } },
  { view: 'learn', label: 'Learn', route: { view: 'learn', chapter: 1 } },
  { view: 'experiments', label: 'Experiments', route: { view: 'experiments', experiment: null } },
];

export function ViewTabs() {
  const view = useLab((s) => s.route.view);
  const setRoute = useLab((s) => s.setRoute);
  return (
    <nav className="view-tabs" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.view}
          type="button"
          aria-current={view === t.view ? 'page' : undefined}
          className={view === t.view ? 'active' : undefined}
          onClick={() => setRoute(t.route)}
          data-testid={`tab-${t.view}`}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
