import { Component, type ReactNode } from 'react';
import { Alert } from './Alert';

/**
 * Around a lazily loaded page: when its script cannot be fetched (the network dropped, or a new
 * deployment replaced the hashed file names since this tab loaded), say so instead of leaving a
 * blank page. Keyed by the page, so going elsewhere and back tries again.
 */
export class LoadBoundary extends Component<{ what: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (this.state.failed) return <Alert message={`The ${this.props.what} could not be loaded. Reload the page to try again.`} />;
    return this.props.children;
  }
}
