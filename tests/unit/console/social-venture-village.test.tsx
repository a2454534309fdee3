import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import createClient from 'openapi-fetch';
import type { paths } from '../../../console/src/api/schema';
import type { Schemas } from '../../../console/src/api/client';
import { ConsoleProvider } from '../../../console/src/lib/context';
import VentureRounds from '../../../console/src/pages/social/VentureRounds';

// antd reads matchMedia for its responsive grid; jsdom has none.
window.matchMedia ??= ((query: string) => ({ matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false })) as typeof window.matchMedia;

// A village user reaches the proposal form from its township's list of venture rounds: the list is
// asked for the village's township, a row opens the round, and the form sends the proposal.
afterEach(() => {
  cleanup();
  location.hash = '';
});
const rendering = { timeout: 60_000 };
const village = '120225104201';
const roundId = 'svr-00000000-0000-4000-8000-0000000000d1';
const orgId = 'org-00000000-0000-4000-8000-000000000001';

const summary: Schemas['SocialVentureRoundSummary'] = { id: roundId, township: '120225104', year: 2026, name: '2026年公益创投', budgetFen: 5_000_000, opensOn: '2026-01-01', closesOn: '2026-12-31', status: 'open', awardCount: 0, awardedFen: 0, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const view: Schemas['SocialVentureRoundView'] = {
  round: { ...summary, criteria: [{ key: 'impact', name: '公益性', maxPoints: 100 }], reviewers: [], awards: [], skipped: [], createdBy: 'demo-township', version: 1 },
  proposals: [],
  instalments: [],
};
const organisation = { id: orgId, name: '常州村乡贤参事会', village, status: 'active' };

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function withApi() {
  const sent: { method: string; url: string; body: unknown }[] = [];
  const client = createClient<paths>({
    baseUrl: 'http://api.test',
    fetch: async (request: Request) => {
      sent.push({ method: request.method, url: request.url, body: await request.clone().json().catch(() => undefined) });
      const { pathname } = new URL(request.url);
      if (request.method === 'POST') return json(201, { roundId, organisationId: orgId, village, name: organisation.name, title: '关爱留守老人', requestedFen: 300_000, submittedAt: '2026-06-01T00:00:00.000Z', accepted: false });
      if (pathname === '/social/venture-rounds') return json(200, { items: [summary] });
      if (pathname === `/social/venture-rounds/${roundId}`) return json(200, view);
      if (pathname === '/social/organisations') return json(200, { items: [organisation, { id: 'org-filed', name: '常州村志愿服务队', village, status: 'filed' }, { id: 'org-suspended', name: '常州村文体协会', village, status: 'suspended' }] });
      return json(404, { status: 404, title: 'Not Found' });
    },
  });
  const auth = { kind: 'local' as const, restore: async () => undefined, token: async () => 't', signIn: async () => {}, signOut: async () => {} };
  const wrap = (children: React.ReactNode) => (
    <ConsoleProvider value={{ client, user: { sub: 'demo-village', roles: ['village'], division: village }, config: { apiUrl: 'http://api.test', auth: { kind: 'local' } }, auth }}>{children}</ConsoleProvider>
  );
  return { sent, wrap };
}

describe('the village’s venture rounds', () => {
  it('lists its township’s rounds, opens one and submits a proposal of its organisation', rendering, async () => {
    const api = withApi();
    render(api.wrap(<VentureRounds />));
    fireEvent.click(await screen.findByText('2026年公益创投'));
    const listed = api.sent.find((s) => s.url.includes('/social/venture-rounds?'));
    expect(new URL(listed!.url).searchParams.get('township')).toBe('120225104');
    // The round opens with the proposal form (申报项目), the village's organisations to choose from.
    await waitFor(() => expect(api.sent.map((s) => s.url)).toContain(`http://api.test/social/venture-rounds/${roundId}`));
    const [labelled] = await screen.findAllByLabelText('申报组织');
    const picker = labelled!.closest('.ant-select')!.querySelector('.ant-select-selector')!;
    await waitFor(() => expect(api.sent.some((s) => s.url.includes('/social/organisations?'))).toBe(true));
    fireEvent.mouseDown(picker);
    // Filed and active organisations may propose; a suspended one is not offered.
    expect(await screen.findByTitle('常州村志愿服务队')).toBeTruthy();
    expect(screen.queryByTitle('常州村文体协会')).toBeNull();
    fireEvent.click(await screen.findByTitle('常州村乡贤参事会'));
    fireEvent.change(screen.getByLabelText('项目名称'), { target: { value: '关爱留守老人' } });
    fireEvent.change(screen.getByLabelText('申请金额（元）'), { target: { value: '3000' } });
    fireEvent.click(screen.getByRole('button', { name: '申 报' }));
    await waitFor(() => expect(api.sent.some((s) => s.method === 'POST')).toBe(true));
    expect(api.sent.find((s) => s.method === 'POST')).toEqual({ method: 'POST', url: `http://api.test/social/venture-rounds/${roundId}/proposals`, body: { organisationId: orgId, title: '关爱留守老人', requestedFen: 300_000 } });
  });
});
