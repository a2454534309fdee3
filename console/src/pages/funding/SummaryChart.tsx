import { useEffect, useRef } from 'react';

export interface ChartRow {
  readonly name: string;
  readonly topUpFen: number;
  readonly earmarkFen: number;
}

/**
 * The dry-run summary as a bar chart (增量 and 服务群众专项 per township or tier, in 万元). ECharts is
 * imported here only, when the chart is first shown, so no other screen loads it.
 */
export function SummaryChart({ rows, title }: { readonly rows: readonly ChartRow[]; readonly title: string }) {
  const el = useRef<HTMLDivElement>(null);
  // Drawn again only when the figures change, not on every render of the page (it polls while a run pays).
  const key = JSON.stringify(rows);
  useEffect(() => {
    let disposed = false;
    let dispose = () => {};
    void import('./echarts').then(({ init }) => {
      if (disposed || !el.current) return;
      const chart = init(el.current, undefined, { renderer: 'canvas' });
      // 万元 with two decimals for the axis: the exact yuan are in the table beside it.
      const wan = (fen: number) => Math.round(fen / 100) / 10_000;
      chart.setOption({
        title: { text: title, textStyle: { fontSize: 14 } },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${String(v)} 万元` },
        legend: { top: 24 },
        grid: { top: 64, left: 60, right: 16, bottom: 40 },
        xAxis: { type: 'category', data: rows.map((r) => r.name) },
        yAxis: { type: 'value', name: '万元' },
        series: [
          { name: '增量', type: 'bar', data: rows.map((r) => wan(r.topUpFen)) },
          { name: '服务群众专项', type: 'bar', data: rows.map((r) => wan(r.earmarkFen)) },
        ],
      });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      dispose = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [key, title]);
  return <div ref={el} role="img" aria-label={title} style={{ width: '100%', height: 320 }} />;
}
