import { Alert, Button } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { errorText } from './ErrorAlert';

/** A screen that throws while rendering shows what happened and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode; readonly resetKey: string }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  override componentDidUpdate(prev: { readonly resetKey: string }) {
    // Moving to another screen clears the error.
    if (prev.resetKey !== this.props.resetKey && this.state.error !== undefined) this.setState({ error: undefined });
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <Alert
        type="error"
        showIcon
        message="页面出错了"
        description={errorText(this.state.error)}
        action={
          <Button size="small" onClick={() => this.setState({ error: undefined })}>
            重试
          </Button>
        }
      />
    );
  }
}
