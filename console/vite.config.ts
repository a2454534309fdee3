import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console's build. The local host serves it under /console/ (API paths at the root never collide
 * with it); on AWS CloudFront serves it at the root of its own distribution. So the build refers to
 * its files relatively (`./assets/…`), which works at both places (screens are addressed by the URL's
 * hash, so the page's path is always the folder of index.html). `npm run dev:console` serves it under
 * /console/ and proxies every other path (the API, /config.json, the local sign-in) to the local host.
 */
const apiTarget = process.env.CONSOLE_API ?? 'http://127.0.0.1:3000';

export default defineConfig(({ command }) => ({
  root: import.meta.dirname,
  base: command === 'build' ? './' : '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    // dist/.vite/manifest.json: which chunks each entry and screen loads (the console benchmark reads it).
    manifest: true,
    emptyOutDir: true,
    // The generated client schema and the charts make big chunks on purpose; the first screen's JS is what counts.
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // zod places @__PURE__ comments where Rollup cannot use them; it drops them, which is harmless.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
      output: {
        // The React and Ant Design runtime change less often than the screens: a chunk of their own caches well.
        manualChunks: (id) => (/node_modules\/(react|react-dom|scheduler)\//.test(id) ? 'react' : undefined),
      },
    },
  },
  server: {
    port: Number(process.env.CONSOLE_PORT ?? 5173),
    strictPort: false,
    proxy: { '^/(?!console(/|$)).*': { target: apiTarget, changeOrigin: false } },
  },
}));
