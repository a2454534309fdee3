import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary';
import { NotificationBell } from './components/NotificationBell';
import { useConsole } from './lib/context';
import { name, positionNames, roleNames } from './lib/labels';
import { match, navigate, useRoute } from './lib/router';

// Each screen is its own chunk: the first screen loads only the shell and the home page, and the
// charts (ECharts) only with the funding run that draws them.
const Home = lazy(() => import('./pages/Home'));
const Inbox = lazy(() => import('./pages/Inbox'));
const RewardPrograms = lazy(() => import('./pages/reward/Programs'));
const Enterprises = lazy(() => import('./pages/reward/Enterprises'));
const Applications = lazy(() => import('./pages/reward/Applications'));
const Application = lazy(() => import('./pages/reward/Application'));
const FundingRuns = lazy(() => import('./pages/funding/Runs'));
const FundingRun = lazy(() => import('./pages/funding/Run'));
const Registries = lazy(() => import('./pages/registries/Registries'));
const Imports = lazy(() => import('./pages/registries/Imports'));
const Executions = lazy(() => import('./pages/operations/Executions'));
const Audit = lazy(() => import('./pages/operations/Audit'));
const PairingTerms = lazy(() => import('./pages/pairing/Terms'));
const PairingDetail = lazy(() => import('./pages/pairing/Pairing'));
const PairingReports = lazy(() => import('./pages/pairing/Reports'));
const PairingReport = lazy(() => import('./pages/pairing/Report'));
const PairingReview = lazy(() => import('./pages/pairing/Review'));
const PairingAcceptance = lazy(() => import('./pages/pairing/Acceptance'));
const PairingViews = lazy(() => import('./pages/pairing/Views'));
const PairingOutcomes = lazy(() => import('./pages/pairing/Outcomes'));
const PairingRankings = lazy(() => import('./pages/pairing/Rankings'));
const PairingCases = lazy(() => import('./pages/pairing/Cases'));
const SocialOrganisations = lazy(() => import('./pages/social/Organisations'));
const SocialOrganisation = lazy(() => import('./pages/social/Organisation'));
const SocialImport = lazy(() => import('./pages/social/Import'));
const SocialCoverage = lazy(() => import('./pages/social/Coverage'));
const SocialReports = lazy(() => import('./pages/social/Reports'));
const SocialGrading = lazy(() => import('./pages/social/Grading'));
const SocialFunding = lazy(() => import('./pages/social/Funding'));
const SocialVentureRounds = lazy(() => import('./pages/social/VentureRounds'));

type Item = Required<MenuProps>['items'][number];

/** The menu a user sees: only the screens their roles can use (the API decides anyway). */
export function menuFor(roles: readonly string[]): Item[] {
  const has = (...r: string[]) => r.some((x) => roles.includes(x));
  const items: Item[] = [
    { key: '/home', label: '首页' },
    { key: '/inbox', label: '待办事项' },
  ];
  if (has('admin', 'finance', 'township', 'village', 'auditor')) {
    items.push({
      key: 'reward',
      label: '以奖代补',
      children: [
        ...(has('admin', 'finance', 'township', 'auditor') ? [{ key: '/reward/programs', label: '项目与预算' }] : []),
        ...(has('admin', 'township', 'village', 'finance', 'auditor') ? [{ key: '/reward/enterprises', label: '经营主体与财务数据' }] : []),
        { key: '/reward/applications', label: '奖补申请' },
      ],
    });
  }
  if (has('admin', 'finance', 'auditor', 'township')) items.push({ key: '/funding/runs', label: '村级运转经费测算' });
  if (has('admin', 'finance', 'township', 'village', 'unit', 'auditor')) {
    items.push({
      key: 'pairing',
      label: '结对帮扶',
      children: [
        { key: '/pairing/terms', label: '帮扶周期与结对' },
        ...(has('admin', 'township', 'unit', 'finance', 'auditor') ? [{ key: '/pairing/reports', label: '定期报告' }] : []),
        ...(has('township') ? [{ key: '/pairing/review', label: '报告审核' }] : []),
        ...(has('admin', 'auditor') ? [{ key: '/pairing/acceptance', label: '县级验收' }] : []),
        ...(has('admin', 'township', 'unit', 'finance', 'auditor') ? [{ key: '/pairing/views', label: '报告统计' }] : []),
        ...(has('admin', 'township', 'village', 'unit', 'finance', 'auditor') ? [{ key: '/pairing/outcomes', label: '考核评价' }] : []),
        ...(has('admin', 'township', 'auditor') ? [{ key: '/pairing/rankings', label: '排名与整顿' }] : []),
        ...(has('admin', 'township', 'village', 'unit', 'auditor') ? [{ key: '/pairing/cases', label: '整顿村' }] : []),
      ],
    });
  }
  if (has('admin', 'finance', 'township', 'village', 'auditor')) {
    items.push({
      key: 'social',
      label: '村级社会组织',
      children: [
        { key: '/social/organisations', label: '组织名录' },
        ...(has('township') ? [{ key: '/inbox?program=social', label: '备案审核' }] : []),
        ...(has('admin', 'township') ? [{ key: '/social/import', label: '批量导入' }] : []),
        { key: '/social/coverage', label: '覆盖情况' },
        { key: '/social/reports', label: '年度报告' },
        { key: '/social/grading', label: '等级评定' },
        ...(has('admin', 'finance', 'township', 'auditor') ? [{ key: '/social/funding', label: '经费' }] : []),
        ...(has('village') ? [{ key: '/social/venture', label: '公益创投' }] : []),
      ],
    });
  }
  if (has('admin', 'auditor', 'finance', 'township')) {
    items.push({
      key: 'registries',
      label: '基础信息与导入',
      children: [
        { key: '/registries/divisions', label: '行政区划' },
        { key: '/registries/villages', label: '村' },
        { key: '/registries/units', label: '帮扶单位' },
        ...(has('admin') ? [{ key: '/registries/imports', label: '批量导入' }] : []),
      ],
    });
  }
  if (has('admin', 'auditor')) {
    items.push({
      key: 'ops',
      label: '运行监控',
      children: [
        { key: '/ops/executions', label: '流程执行' },
        { key: '/ops/audit', label: '审计日志' },
      ],
    });
  }
  return items;
}

function screen(route: string): ReactNode {
  const routes: [string, (p: Record<string, string>) => ReactNode][] = [
    ['/home', () => <Home />],
    ['/inbox', () => <Inbox />],
    ['/reward/programs', () => <RewardPrograms />],
    ['/reward/enterprises', () => <Enterprises />],
    ['/reward/applications', () => <Applications />],
    ['/reward/applications/:id', (p) => <Application id={p.id ?? ''} />],
    ['/funding/runs', () => <FundingRuns />],
    ['/funding/runs/:id', (p) => <FundingRun id={p.id ?? ''} />],
    ['/registries/divisions', () => <Registries tab="divisions" />],
    ['/registries/villages', () => <Registries tab="villages" />],
    ['/registries/units', () => <Registries tab="units" />],
    ['/registries/imports', () => <Imports />],
    ['/registries/imports/:id', (p) => <Imports id={p.id ?? ''} />],
    ['/ops/executions', () => <Executions />],
    ['/ops/audit', () => <Audit />],
    ['/pairing/terms', () => <PairingTerms />],
    ['/pairing/terms/:id', (p) => <PairingTerms id={p.id ?? ''} />],
    ['/pairing/pairings/:id', (p) => <PairingDetail id={p.id ?? ''} />],
    ['/pairing/reports', () => <PairingReports />],
    ['/pairing/reports/:id', (p) => <PairingReport id={p.id ?? ''} />],
    ['/pairing/review', () => <PairingReview />],
    ['/pairing/acceptance', () => <PairingAcceptance />],
    ['/pairing/views', () => <PairingViews />],
    ['/pairing/outcomes', () => <PairingOutcomes />],
    ['/pairing/rankings', () => <PairingRankings />],
    ['/pairing/cases', () => <PairingCases />],
    ['/pairing/cases/:id', (p) => <PairingCases id={p.id ?? ''} />],
    ['/social/organisations', () => <SocialOrganisations />],
    ['/social/organisations/:id', (p) => <SocialOrganisation id={p.id ?? ''} />],
    ['/social/import', () => <SocialImport />],
    ['/social/coverage', () => <SocialCoverage />],
    ['/social/reports', () => <SocialReports />],
    ['/social/grading', () => <SocialGrading />],
    ['/social/funding', () => <SocialFunding />],
    ['/social/venture', () => <SocialVentureRounds />],
  ];
  for (const [pattern, render] of routes) {
    const params = match(pattern, route);
    if (params) return render(params);
  }
  return <Typography.Text>页面不存在。</Typography.Text>;
}

export function Shell({ onSignOut }: { readonly onSignOut: () => void }) {
  const { user } = useConsole();
  const route = useRoute();
  const selected = route.split('?')[0] ?? '/home';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={208} theme="light" aria-label="导航菜单">
        <div style={{ padding: '16px 16px 8px', fontWeight: 600 }}>村级经费与奖补</div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          defaultOpenKeys={['reward', 'pairing', 'social', 'registries', 'ops']}
          items={menuFor(user.roles)}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 12 }}>
          <Space wrap size={4}>
            {user.roles.map((r) => (
              <Tag key={r} color="blue">
                {name(roleNames, r)}
              </Tag>
            ))}
            {user.position && <Tag>{name(positionNames, user.position)}</Tag>}
            <Typography.Text type="secondary">{user.name ?? user.sub} · {user.division}</Typography.Text>
          </Space>
          <NotificationBell />
          <Button onClick={onSignOut}>退出登录</Button>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
          <main>
            <ErrorBoundary resetKey={route}>
              <Suspense fallback={<Spin />}>{screen(route)}</Suspense>
            </ErrorBoundary>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
