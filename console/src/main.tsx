import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { App } from './App';
import './a11y.css';

dayjs.locale('zh-cn');

/**
 * Ant Design's default blue (#1677ff) and its grey secondary texts fall short of WCAG AA's 4.5:1
 * contrast on white and on the selected menu item (axe: color-contrast, serious); these tokens are
 * the nearest shades that reach it, so links, the selected menu item, danger buttons, a progress
 * bar's status text and secondary text stay legible. Tags: a11y.css.
 */
const theme = {
  token: {
    fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif",
    colorPrimary: '#0958d9',
    colorLink: '#0958d9',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextQuaternary: 'rgba(0, 0, 0, 0.6)',
    colorError: '#cf1322',
    colorSuccess: '#237804',
  },
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      {/* System fonts only: everything the console loads comes from its own build, nothing from a CDN. */}
      {/* No space put between two Chinese characters of a button: its accessible name stays the word ("排除", not "排 除"). */}
      <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
        <App />
      </ConfigProvider>
    </StrictMode>,
  );
}
