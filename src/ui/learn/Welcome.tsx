/**
 * The lab's first-screen pointer for a newcomer: where to learn what the numbers mean and
 * where to find ready-made experiments. Dismissed once, it stays dismissed on this browser.
 */
import { useState } from 'react';
import './learn.css';
import { useLab } from '../store';

const KEY = 'ppo-lab:welcome-dismissed';

function dismissedBefore(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false; // storage blocked: show it
  }
}

export function Welcome() {
  const [hidden, setHidden] = useState(dismissedBefore);
  const setRoute = useLab((s) => s.setRoute);
  if (hidden) return null;
  const dismiss = () => {
    try {
      localStorage.setItem(KEY, '1');
    } catch {
      /* hidden for this visit only */
    }
    setHidden(true);
  };
  return (
    <section className="welcome" aria-label="Welcome" data-testid="welcome">
      <p>
        <strong>New here?</strong> Pick a task and an algorithm below and press <strong>Start</strong>. To see why each chart
        looks the way it does, follow{' '}
        <button
          type="button"
          className="link-like"
          onClick={() => setRoute({ view: 'learn', chapter: 1 })}
          data-testid="welcome-learn"
        >
          Learn
        </button>{' '}
        (eight short chapters with live widgets), or open a ready-made run from{' '}
        <button
          type="button"
          className="link-like"
          onClick={() => setRoute({ view: 'experiments', experiment: null })}
          data-testid="welcome-experiments"
        >
          Experiments
        </button>
        .
      </p>
      <button
        type="button"
        className="welcome-close"
        onClick={dismiss}
        aria-label="Dismiss the welcome note"
        data-testid="welcome-dismiss"
      >
        ×
      </button>
    </section>
  );
}
