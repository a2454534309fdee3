import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { ImportErrorsTable, importErrorsOf } from '../../../console/src/components/ImportErrorsTable';

afterEach(cleanup);

describe('CSV errors by row and column', () => {
  it('reads the rows and columns of an upload answered at once (422 problem fields)', () => {
    expect(
      importErrorsOf([
        { field: 'row 3: village', message: 'village 120225104299 is not registered' },
        { field: 'row 7', message: 'expected 12 columns' },
        { field: 'body', message: 'must not be empty' },
      ]),
    ).toEqual([
      { row: 3, column: 'village', message: 'village 120225104299 is not registered' },
      { row: 7, message: 'expected 12 columns' },
      { row: 0, column: 'body', message: 'must not be empty' },
    ]);
  });

  it('shows each error as a row: line, column (or the whole row), problem', { timeout: 60_000 }, () => {
    window.matchMedia ??= (media: string) => ({ matches: false, media, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false });
    render(<ImportErrorsTable errors={[{ row: 3, column: 'village', message: '未登记' }, { row: 7, message: '列数不对' }]} />);
    const rows = [...document.querySelectorAll('tbody tr.ant-table-row')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows).toEqual([
      ['3', 'village', '未登记'],
      ['7', '（整行）', '列数不对'],
    ]);
  });
});
