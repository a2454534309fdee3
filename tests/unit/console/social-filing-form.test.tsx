import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import fc from 'fast-check';
import { FilingForm } from '../../../console/src/pages/social/FilingForm';
import { emptyDraft, filingBody, filingErrors, type DraftField, type FilingDraft } from '../../../console/src/lib/social';
import { isPrintableText } from '../../../functions/platform/names';

afterEach(cleanup);

/** Rendering Ant Design's form in jsdom costs seconds on a busy machine: a ceiling well above it, not a measure. */
const rendering = { timeout: 60_000 };

// Ant Design's form grid asks for the viewport's breakpoints, which jsdom does not have.
window.matchMedia ??= (media: string) => ({ matches: false, media, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false });

const today = '2026-12-01';
const good: FilingDraft = { ...emptyDraft('120225104201'), name: '下营村志愿服务队', leaderName: '王建国', members: 12, foundedOn: '2020-05-01', contact: '13800221000' };

/** The form as a screen holds it: the draft, and the errors shown after 提交. */
function Harness({ start }: { readonly start: FilingDraft }) {
  const [draft, setDraft] = useState(start);
  const [errors, setErrors] = useState<Partial<Record<DraftField, string>>>({});
  return (
    <>
      <FilingForm draft={draft} onChange={setDraft} errors={errors} villageEditable={false} />
      <button type="button" onClick={() => setErrors(filingErrors(draft, today))}>
        提交
      </button>
    </>
  );
}

describe('the filing form (新建备案)', () => {
  it('asks for the description when the category is 其他, and sends it only for 其他', () => {
    expect(filingErrors({ ...good, category: '其他' }, today).categoryDescription).toBe('请填写类别说明');
    expect(filingErrors({ ...good, category: '其他', categoryDescription: '广场舞' }, today)).toEqual({});
    expect(filingBody({ ...good, category: '其他', categoryDescription: ' 广场舞 ' }).categoryDescription).toBe('广场舞');
    // A description typed before switching back to a named category is not sent (the API refuses it there).
    expect(filingBody({ ...good, category: '志愿服务类', categoryDescription: '广场舞' })).not.toHaveProperty('categoryDescription');
  });

  it('shows the description field only for 其他, and its error beside it', rendering, () => {
    render(<Harness start={{ ...good, category: '其他' }} />);
    // The field is labelled (the label's for= names it): found by id, as getByLabelText is slow over antd's DOM.
    const description = document.getElementById('so-category-description');
    expect(document.querySelector('label[for="so-category-description"]')?.textContent).toBe('类别说明');
    fireEvent.click(screen.getByText('提交'));
    expect(screen.getByText('请填写类别说明')).toBeTruthy();
    fireEvent.change(description!, { target: { value: '文体活动' } });
    fireEvent.click(screen.getByText('提交'));
    expect(screen.queryByText('请填写类别说明')).toBeNull();
    cleanup();
    render(<Harness start={good} />);
    expect(document.getElementById('so-category-description')).toBeNull();
  });

  it('refuses names with control or invisible characters, as the API refuses them', rendering, () => {
    for (const bad of ['志愿\u0000服务队', '志愿服务队\u001b[31m', '志愿\u200b服务队', '\u202e队务服愿志', '志愿\u2028服务队', '\ufeff志愿服务队']) {
      expect(filingErrors({ ...good, name: bad }, today).name).toBe('组织名称不能包含控制字符或不可见字符');
      expect(filingErrors({ ...good, leaderName: bad.slice(0, 50) }, today).leaderName).toBe('负责人姓名不能包含控制字符或不可见字符');
      expect(isPrintableText(bad)).toBe(false);
    }
    render(<Harness start={{ ...good, name: '志愿\u200b服务队' }} />);
    fireEvent.click(screen.getByText('提交'));
    expect(screen.getByText('组织名称不能包含控制字符或不可见字符')).toBeTruthy();
  });

  it('refuses a name exactly when the API’s name rule does (any string)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (name) => {
        const refusedHere = filingErrors({ ...good, name: `队${name}` }, today).name === '组织名称不能包含控制字符或不可见字符';
        expect(refusedHere).toBe(!isPrintableText(`队${name}`));
      }),
      { numRuns: 100 },
    );
  });

  it('asks for members, a founding date not after today and a contact', () => {
    expect(filingErrors({ ...good, members: undefined, foundedOn: '2026-12-02', contact: ' ' }, today)).toEqual({
      members: '成员数须为 1 至 100000 的整数',
      foundedOn: '成立日期不能晚于今天',
      contact: '请填写联系方式',
    });
    expect(filingErrors({ ...good, foundedOn: today }, today)).toEqual({});
  });
});
