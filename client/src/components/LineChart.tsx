// A small uPlot line chart. uPlot is canvas-based and cheap to update, so a wallboard can redraw it
// on every push without reflowing the page.
import { createEffect, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
}

export function LineChart(props: {
  x: number[];
  series: ChartSeries[];
  height: number;
  dark?: boolean;
  label: string;
  testId?: string;
  xFormat?: (seconds: number) => string;
  yFormat?: (value: number) => string;
}) {
  let box: HTMLDivElement | undefined;
  let chart: uPlot | undefined;
  const axis = () => {
    const stroke = props.dark ? "#c9d1d9" : "#57606a";
    const grid = { stroke: props.dark ? "#30363d" : "#e5e7eb", width: 1 };
    return { stroke, grid, ticks: grid, font: props.dark ? "15px system-ui, sans-serif" : "12px system-ui, sans-serif" };
  };

  onMount(() => {
    const options: uPlot.Options = {
      width: box!.clientWidth || 600,
      height: props.height,
      // The legend names the lines; without a cursor its live values would only read "--".
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: !props.xFormat } },
      axes: [
        { ...axis(), ...(props.xFormat ? { values: (_u: uPlot, ticks: number[]) => ticks.map((s) => props.xFormat!(s)) } : {}) },
        { ...axis(), size: 70, ...(props.yFormat ? { values: (_u: uPlot, ticks: number[]) => ticks.map((v) => props.yFormat!(v)) } : {}) },
      ],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false }))],
    };
    chart = new uPlot(options, [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData, box!);
    const resize = new ResizeObserver(() => chart?.setSize({ width: box!.clientWidth, height: props.height }));
    resize.observe(box!);
    onCleanup(() => {
      resize.disconnect();
      chart?.destroy();
    });
  });

  createEffect(() => {
    const data = [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData;
    chart?.setData(data);
  });

  return <div ref={box} class="line-chart" role="img" aria-label={props.label} data-testid={props.testId} />;
}
