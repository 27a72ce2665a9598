import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  readonly error: Error | null;
}

/**
 * The top-level error boundary: a render error anywhere shows a clear message and a reload button
 * instead of a blank page. Stored samples and models are in IndexedDB and survive the reload.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('Siamese Face ID crashed:', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main className="crash" role="alert" data-testid="app-error">
        <h1>Something went wrong</h1>
        <p>The app hit an unexpected error and stopped. Your samples and trained model are stored in this browser and are not lost.</p>
        <pre className="crash-detail">{error.message}</pre>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          Reload the app
        </button>
      </main>
    );
  }
}
