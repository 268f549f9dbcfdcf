/**
 * One bar chart of the glance (Chart.js on a canvas: the page's CSP allows no style attributes or
 * inline styles, and Chart.js draws on the canvas and sizes it through the CSSOM, which the CSP
 * does not govern). Only the bar chart's parts are registered, to keep the bundle small. The
 * canvas is an image to a screen reader: its label says what it shows; the numbers are in the
 * tables beside it.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series { label: string; values: number[]; colour: string }

interface Props {
  label: string;
  labels: string[];
  series: Series[];
  /** Bars side by side (false) or stacked (true, default). */
  stacked?: boolean;
  /** Bars along the x axis (vertical, default) or across (horizontal, for long names). */
  horizontal?: boolean;
  /** The value axis ends at this (e.g. 100 for a share in percent). */
  max?: number;
}

export function BarChart({ label, labels, series, stacked = true, horizontal = false, max }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    chart.current = new Chart(canvas.current, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
    });
    return () => chart.current?.destroy();
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const value = { stacked, beginAtZero: true, ...(max === undefined ? {} : { max }) };
    c.options.indexAxis = horizontal ? 'y' : 'x';
    c.options.scales = horizontal ? { x: value, y: { stacked } } : { x: { stacked }, y: value };
    c.data.labels = labels;
    c.data.datasets = series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.colour }));
    c.update();
  }, [labels, series, stacked, horizontal, max]);
  // The box's height follows the number of bars when they run across (one name per row).
  const rows = horizontal ? Math.min(12, Math.max(3, labels.length)) : 0;
  return (
    <div class={horizontal ? `chart chart-rows-${rows}` : 'chart'}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
