/** Catches a rendering error in the page so it shows a message and a way back, never a blank page. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode; area?: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`PPO Lab: ${this.props.area ?? 'the page'} failed to render`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="banner banner-internal" role="alert" data-testid="error">
        <div>
          <strong>{this.props.area ? `The ${this.props.area} failed to draw` : 'The lab failed to draw'}:</strong>{' '}
          {this.state.error.message}
        </div>
        <div className="banner-actions">
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <button type="button" onClick={() => location.reload()}>
            Reload the page
          </button>
        </div>
      </div>
    );
  }
}
