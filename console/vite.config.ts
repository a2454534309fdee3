import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The console's build. It is served under /console/ by the local host (and from its own bucket on
 * AWS), so API paths at the root never collide with it. `npm run dev:console` proxies every path
 * outside /console/ (the API, /config.json and the local sign-in routes) to the local host.
 */
const apiTarget = process.env.CONSOLE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
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
});
