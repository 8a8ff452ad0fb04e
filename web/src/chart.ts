/** Thin uPlot wrapper: one line per series, gaps for nulls, legend with series names. */
import uPlot from 'uplot';
import type { AlignedData } from './chartData.ts';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function drawChart(container: HTMLElement, data: AlignedData, names: string[]): uPlot {
  const width = Math.max(300, container.clientWidth || 900);
  const opts: uPlot.Options = {
    width,
    height: 360,
    series: [{}, ...names.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false }))],
    axes: [{}, { size: 70 }],
    legend: { show: names.length <= 20 },
    cursor: { drag: { x: true, y: false } },
  };
  return new uPlot(opts, data as uPlot.AlignedData, container);
}
