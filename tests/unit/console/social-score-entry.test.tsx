import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Schemas } from '../../../console/src/api/client';
import { json, withApi as withConsoleApi } from './support/console-api';
import { ScoreCell } from '../../../console/src/pages/social/Grading';
import { cutOffText, scoreError } from '../../../console/src/lib/social';
import type { Organisation } from '../../../console/src/lib/social';

afterEach(cleanup);
const rendering = { timeout: 60_000 };

const round: Schemas['SocialGradingRound'] = {
  id: 'sgr-120225104-2026',
  township: '120225104',
  year: 2026,
  scale: { maxScore: 1000, grades: [{ grade: '1A', minScore: 500 }, { grade: '5A', minScore: 900 }, { grade: '3A', minScore: 700 }], excellent: ['5A'] },
  validityYears: 3,
  scorers: [{ sub: 'scorer-a', village: '120225104201' }, { sub: 'scorer-b' }],
  status: 'scoring',
  version: 1,
  createdBy: 'demo-township',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};
const organisation = { id: 'so-1', name: '下营村志愿服务队', village: '120225104201' } as Organisation;

const withApi = (answer: (request: Request) => Response) => withConsoleApi(answer, { sub: 'scorer-a', roles: ['township'], division: '120225104' });
const scoreBox = () => document.querySelector('input[aria-label="下营村志愿服务队 的分数"]') as HTMLInputElement;

describe('the grading score entry', () => {
  it('checks a score against the scale before sending it', () => {
    expect(scoreError('', 1000)).toBe('请填写分数');
    expect(scoreError('899.5', 1000)).toBe('分数须为非负整数');
    expect(scoreError('-1', 1000)).toBe('分数须为非负整数');
    expect(scoreError('1001', 1000)).toBe('分数不能超过满分 1000');
    expect(scoreError('1000', 1000)).toBeUndefined();
    expect(scoreError('0', 1000)).toBeUndefined();
    // The cut-offs as the round shows them, best first, whatever order the data holds them in.
    expect(cutOffText(round.scale)).toBe('5A ≥ 900 · 3A ≥ 700 · 1A ≥ 500');
  });

  it('sends a valid score as an integer and says it is saved; an invalid one is not sent', rendering, async () => {
    const api = withApi(() => json(200, { roundId: round.id, organisationId: 'so-1', scorer: 'scorer-b', score: 905, at: '2026-12-01T00:00:00.000Z' }));
    render(api.wrap(<ScoreCell round={round} organisation={organisation} />));
    fireEvent.change(scoreBox(), { target: { value: '1200' } });
    fireEvent.click(document.querySelector('button')!);
    expect(await screen.findByText('分数不能超过满分 1000')).toBeTruthy();
    expect(api.sent).toEqual([]);
    fireEvent.change(scoreBox(), { target: { value: '905' } });
    fireEvent.click(document.querySelector('button')!);
    expect(await screen.findByText('已保存')).toBeTruthy();
    expect(api.sent).toEqual([{ method: 'PUT', url: `http://api.test/social/grading-rounds/${round.id}/scores/so-1`, body: { score: 905 } }]);
  });

  it("explains the API's refusal of a scorer from the organisation's own village", rendering, async () => {
    const api = withApi(() =>
      json(403, {
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
        detail: "scorer-own-village: the scorer belongs to village 120225104201, the organisation's own village: a scorer may not score an organisation of their own village",
      }),
    );
    render(api.wrap(<ScoreCell round={round} organisation={organisation} />));
    fireEvent.change(scoreBox(), { target: { value: '880' } });
    fireEvent.click(document.querySelector('button')!);
    await waitFor(() => expect(document.body.textContent).toContain('按回避规则，评分人不能为本村的组织评分'));
    expect(document.body.textContent).not.toContain('已保存');
  });
});
