import { Button } from 'antd';
import type { ReactNode } from 'react';

/** A link-looking action that is a real button: reachable with Tab, pressed with Enter or Space. */
export function LinkButton({ onClick, children }: { readonly onClick: () => void; readonly children: ReactNode }) {
  return (
    <Button type="link" size="small" style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }} onClick={onClick}>
      {children}
    </Button>
  );
}
