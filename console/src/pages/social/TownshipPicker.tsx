import { Select } from 'antd';
import { useConsole } from '../../lib/context';
import { useTownships } from '../../lib/divisions';

/** The township a screen is about: fixed for a township or village user, chosen from the county's otherwise. */
export function TownshipPicker({ value, onChange }: { readonly value: string; readonly onChange: (township: string) => void }) {
  const { user } = useConsole();
  const townships = useTownships(user.division);
  return (
    <Select
      aria-label="乡镇"
      placeholder="选择乡镇"
      style={{ width: 240 }}
      disabled={user.division.length >= 9}
      value={value || undefined}
      onChange={(v: string) => onChange(v)}
      options={(townships.codes.length > 0 ? townships.codes : value ? [value] : []).map((c) => ({ value: c, label: townships.name(c) }))}
    />
  );
}
