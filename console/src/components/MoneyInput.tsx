import { Input } from 'antd';
import { useEffect, useState } from 'react';
import { fenToYuanText, parseYuan } from '../lib/money';

export interface MoneyInputProps {
  /** The amount in fen, or undefined when empty or not a valid amount. */
  readonly value?: number;
  readonly onChange?: (fen: number | undefined) => void;
  readonly id?: string;
  readonly placeholder?: string;
  readonly 'aria-label'?: string;
}

/**
 * An amount typed in yuan and handed on in fen, exactly: the text is parsed as a decimal string
 * (lib/money.ts), so no floating point ever touches it. A bad entry says why and hands on undefined.
 */
export function MoneyInput({ value, onChange, id, placeholder, 'aria-label': ariaLabel }: MoneyInputProps) {
  const [text, setText] = useState(value === undefined ? '' : fenToYuanText(value));
  const [error, setError] = useState<string | undefined>();

  // A new value from outside (a reset) replaces the text unless it is what the text already means.
  useEffect(() => {
    const parsed = parseYuan(text);
    if (value === undefined ? parsed.ok : !parsed.ok || parsed.fen !== value) setText(value === undefined ? '' : fenToYuanText(value));
  }, [value]);

  return (
    <div>
      <Input
        id={id}
        inputMode="decimal"
        value={text}
        placeholder={placeholder ?? '0.00'}
        aria-label={ariaLabel ?? '金额（元）'}
        aria-invalid={error !== undefined}
        status={error ? 'error' : undefined}
        addonAfter="元"
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') {
            setError(undefined);
            onChange?.(undefined);
            return;
          }
          const parsed = parseYuan(next);
          setError(parsed.ok ? undefined : parsed.error);
          onChange?.(parsed.ok ? parsed.fen : undefined);
        }}
      />
      {error && (
        <div role="alert" style={{ color: '#ff4d4f', fontSize: 12, marginTop: 4 }}>
          {error}
        </div>
      )}
    </div>
  );
}
