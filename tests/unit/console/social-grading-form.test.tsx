import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { json, withApi } from './support/console-api';
import { GradingRoundForm } from '../../../console/src/pages/social/GradingRoundForm';

afterEach(cleanup);

/** Rendering Ant Design's form in jsdom costs seconds on a busy machine: a ceiling well above it, not a measure. */
const rendering = { timeout: 60_000 };

// Ant Design's form grid asks for the viewport's breakpoints, which jsdom does not have.
window.matchMedia ??= (media: string) => ({ matches: false, media, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false });

/** The form in the console's context, its client answering every call with `answer` and recording what was sent. */
function renderForm(answer: (request: Request) => Response) {
  const api = withApi(answer, { sub: 'demo-township', roles: ['township'], division: '120225104' });
  const onCreated = vi.fn();
  render(api.wrap(<GradingRoundForm township="120225104" year={2027} onCreated={onCreated} />));
  return { sent: api.sent, onCreated };
}

// Fields found by label or id: getByLabelText is slow over antd's DOM.
const box = (label: string) => document.querySelector(`input[aria-label="${label}"]`) as HTMLInputElement;
const type = (input: Element | null, value: string) => fireEvent.change(input!, { target: { value } });
// Buttons by their text or label, not getByRole, which computes the accessibility tree of antd's DOM on every call.
const button = (name: string) => [...document.querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === name || b.textContent === name)!;
const create = () => fireEvent.click(button('创建评定'));

/** Picks a preset from the antd select (its options open on mouse-down, in a portal). */
async function pickPreset(label: string) {
  fireEvent.mouseDown(document.querySelector('#grading-preset')!.closest('.ant-select-selector')!);
  const option = await waitFor(() => {
    const found = [...document.querySelectorAll('.ant-select-item-option')].find((o) => o.textContent === label);
    if (!found) throw new Error(`no option ${label}`);
    return found;
  });
  fireEvent.click(option);
}

describe('the grading round form', () => {
  it('opens a round on the 优秀 / 合格 / 不合格 preset with its cut-offs and validity', rendering, async () => {
    const api = renderForm(() => json(201, {}));
    expect(box('第 1 个等级名称').value).toBe('5A');
    expect(document.querySelector('label[for="grading-scorers"]')?.textContent).toBe('评分人（至少两人，用逗号分隔；可写作 账号@村代码）');
    await pickPreset('百分制三级（优秀 / 合格 / 不合格）');
    await waitFor(() => expect(box('第 1 个等级名称').value).toBe('优秀'));
    expect(box('第 3 个等级最低分').value).toBe('0');
    expect(box('第 4 个等级名称')).toBeNull();
    expect((document.getElementById('grading-validity') as HTMLInputElement).value).toBe('1');
    type(document.getElementById('grading-scorers'), 'demo-township，scorer-b@120225104204');
    create();
    await waitFor(() => expect(api.onCreated).toHaveBeenCalledTimes(1));
    expect(api.sent).toEqual([
      {
        method: 'POST',
        url: 'http://api.test/social/grading-rounds',
        body: {
          township: '120225104',
          year: 2027,
          scale: { maxScore: 100, grades: [{ grade: '优秀', minScore: 90 }, { grade: '合格', minScore: 60 }, { grade: '不合格', minScore: 0 }], excellent: ['优秀'] },
          validityYears: 1,
          scorers: [{ sub: 'demo-township' }, { sub: 'scorer-b', village: '120225104204' }],
        },
      },
    ]);
  });

  it('edits the scale by hand, names each wrong field beside it and sends nothing', rendering, async () => {
    const api = renderForm(() => json(201, {}));
    fireEvent.click(button('删除第 5 个等级'));
    expect(box('第 5 个等级名称')).toBeNull();
    fireEvent.click(button('添加等级'));
    type(box('第 2 个等级最低分'), '950');
    type(box('第 3 个等级名称'), ' 5A ');
    type(box('第 4 个等级最低分'), '1200');
    for (const c of document.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')) if (c.checked) fireEvent.click(c);
    // The preset no longer holds: the select says so.
    expect(document.querySelector('.ant-select-selection-item')?.textContent).toBe('自定义');
    type(document.getElementById('grading-validity'), '0');
    type(document.getElementById('grading-scorers'), 'demo-township');
    create();
    await waitFor(() => expect(screen.getByText('等级须从高到低排列，最低分须低于上一等级')).toBeTruthy());
    expect(screen.getByText('等级“5A”重复')).toBeTruthy();
    expect(screen.getByText('最低分不能超过满分 1000')).toBeTruthy();
    expect(screen.getByText('请填写等级名称；最低分须为不小于 0 的整数')).toBeTruthy();
    expect(screen.getByText('至少选择一个优秀等级')).toBeTruthy();
    expect(screen.getByText('有效期须为 1 至 10 年')).toBeTruthy();
    expect(screen.getByText('评分人至少 2 人')).toBeTruthy();
    expect(api.sent).toEqual([]);
  });

  it('shows the API’s 400 field errors beside their fields when it still refuses', rendering, async () => {
    const api = renderForm(() =>
      json(400, {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is invalid',
        errors: [
          { field: 'scale.grades.1.grade', message: 'must not contain control or invisible characters', in: 'body' },
          { field: 'scorers', message: 'a scorer is named twice', in: 'body' },
          { field: 'year', message: 'must be at most 2100', in: 'body' },
        ],
      }),
    );
    type(document.getElementById('grading-scorers'), 'a, b');
    create();
    await waitFor(() => expect(screen.getByText('a scorer is named twice')).toBeTruthy());
    expect(document.querySelector('#grading-scorers')?.closest('.ant-form-item')?.textContent).toContain('a scorer is named twice');
    const rowAlert = [...document.querySelectorAll('[role="alert"]')].find((a) => a.textContent === 'must not contain control or invisible characters');
    expect(rowAlert?.previousElementSibling?.querySelector('input[aria-label="第 2 个等级名称"]')).toBeTruthy();
    // A field the form has no place for stays in the alert above.
    expect(document.querySelector('.ant-alert-error')?.textContent).toContain('must be at most 2100');
    expect(document.querySelector('.ant-alert-error')?.textContent).not.toContain('a scorer is named twice');
    expect(api.sent).toHaveLength(1);
    expect(api.onCreated).not.toHaveBeenCalled();
  });
});
