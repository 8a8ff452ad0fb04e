/** The query page: a PromQL editor, then a table (instant query) or a graph (range query). */
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import type uPlot from 'uplot';
import { api } from '../api.ts';
import { drawChart } from '../chart.ts';
import { defaultStep, formatSeries, getUPlotData } from '../chartData.ts';
import { clear, h } from '../dom.ts';
import type { QueryData } from '../responseTypes.ts';
import { decodePanel, encodePanel, formatRange, parseRange, type PanelState } from '../urlState.ts';

export function queryPage(root: HTMLElement): void {
  let state: PanelState = decodePanel(location.search);
  let chart: uPlot | null = null;

  const output = h('div', { class: 'output', id: 'query-output' });
  const status = h('div', { class: 'status', id: 'query-status' });
  const rangeInput = h('input', { id: 'range-input', value: formatRange(state.rangeS), size: '6', title: 'Range, e.g. 1h' });
  const stepInput = h('input', { id: 'step-input', value: state.stepS ? String(state.stepS) : '', placeholder: 'auto', size: '6', title: 'Step in seconds' });

  const promql = new PromQLExtension().setComplete({ remote: { url: new URL('.', location.href).toString().replace(/\/$/, '') } });
  const editor = new EditorView({
    doc: state.expr,
    extensions: [
      keymap.of([{ key: 'Enter', run: () => (execute(), true) }]),
      basicSetup,
      promql.asExtension(),
      placeholder('Expression (press Enter to execute)'),
      EditorView.lineWrapping,
    ],
  });

  const tabButton = (tab: PanelState['tab'], label: string) =>
    h('button', { class: `tab ${state.tab === tab ? 'active' : ''}`, id: `tab-${tab}`, onclick: () => ((state.tab = tab), execute()) }, label);

  const tabs = h('div', { class: 'tabs' });
  const renderTabs = () => {
    clear(tabs);
    tabs.append(tabButton('table', 'Table'), tabButton('graph', 'Graph'), h('span', { class: 'controls' }, 'Range ', rangeInput, ' Step ', stepInput));
  };
  renderTabs();

  root.append(
    h('div', { class: 'editor-row' }, h('div', { class: 'editor', id: 'expr-editor' }, editor.dom), h('button', { id: 'execute', class: 'primary', onclick: () => execute() }, 'Execute')),
    tabs,
    status,
    output,
  );

  async function execute(): Promise<void> {
    state.expr = editor.state.doc.toString();
    state.rangeS = parseRange(rangeInput.value) ?? state.rangeS;
    const step = Number(stepInput.value);
    state.stepS = stepInput.value && step > 0 ? step : null;
    history.replaceState(null, '', `?${encodePanel(state)}`);
    renderTabs();
    chart?.destroy();
    chart = null;
    clear(output);
    if (!state.expr.trim()) return;
    status.textContent = 'Loading…';
    status.className = 'status';
    const endS = (state.endMs ?? Date.now()) / 1000;
    const started = performance.now();
    try {
      if (state.tab === 'table') {
        const { data, warnings } = await api.instant(state.expr, endS);
        renderTable(data);
        done(started, warnings, data);
      } else {
        const stepS = state.stepS ?? defaultStep(state.rangeS);
        const startS = endS - state.rangeS;
        const { data, warnings } = await api.range(state.expr, startS, endS, stepS);
        if (data.resultType !== 'matrix') throw new Error(`unexpected result type ${data.resultType}`);
        const names = data.result.map((s) => formatSeries(s.metric));
        const plot = h('div', { class: 'chart', id: 'query-chart' });
        output.append(plot);
        chart = drawChart(plot, getUPlotData(data.result, startS, endS, stepS), names);
        done(started, warnings, data);
      }
    } catch (e) {
      status.textContent = `Error: ${(e as Error).message}`;
      status.className = 'status error';
    }
  }

  function done(started: number, warnings: string[], data: QueryData): void {
    const n = Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string' ? data.result.length : 1;
    status.textContent = `Load time: ${Math.round(performance.now() - started)} ms · Result series: ${n}` + (warnings.length ? ` · Warnings: ${warnings.join('; ')}` : '');
  }

  function renderTable(data: QueryData): void {
    const table = h('table', { class: 'result', id: 'query-table' });
    const row = (a: string, b: string) => h('tr', {}, h('td', { class: 'series' }, a), h('td', { class: 'value' }, b));
    switch (data.resultType) {
      case 'vector':
        if (data.result.length === 0) output.append(h('p', { class: 'empty' }, 'Empty query result'));
        for (const s of data.result) table.append(row(formatSeries(s.metric), s.value[1]));
        break;
      case 'matrix':
        for (const s of data.result) table.append(row(formatSeries(s.metric), s.values.map(([t, v]) => `${v} @${t}`).join('\n')));
        break;
      case 'scalar':
        table.append(row('scalar', data.result[1]));
        break;
      case 'string':
        table.append(row('string', data.result[1]));
        break;
    }
    output.append(table);
  }

  if (state.expr) void execute();
}
