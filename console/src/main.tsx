import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { App } from './App';

dayjs.locale('zh-cn');

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      {/* System fonts only: everything the console loads comes from its own build, nothing from a CDN. */}
      <ConfigProvider locale={zhCN} theme={{ token: { fontFamily: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" } }}>
        <App />
      </ConfigProvider>
    </StrictMode>,
  );
}
