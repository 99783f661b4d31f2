import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { TableBox } from './ui';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  /** Drawn only as the edge of a band (not in the data table). */
  bandEdge?: boolean;
}

export interface ChartProps {
  id: string;
  title: string;
  /** Unix seconds. */
  xs: number[];
  series: ChartSeries[];
  /** Fill between two series (indexes into `series`), e.g. a forecast's 80% and 95% bands. */
  bands?: { upper: number; lower: number; fill: string }[];
  format?: (value: number) => string;
  height?: number;
}

/**
 * A uPlot time-series chart. The canvas is described for screen readers by its title and a
 * data table beside it (a chart alone says nothing to someone who cannot see it).
 */
export function Chart({ id, title, xs, series, bands, format, height = 260 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = box.current;
    if (!target) return;
    const width = Math.max(280, target.clientWidth);
    const plot = new uPlot(
      {
        width,
        height,
        scales: { x: { time: true } },
        series: [
          { label: 'time (UTC)', value: (_self, raw) => (raw === null ? '–' : new Date(raw * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
          ...series.map((one) => ({
            label: one.label,
            stroke: one.color,
            width: one.bandEdge ? 1 : 2,
            dash: one.dash,
            points: { show: !one.bandEdge && xs.length < 60 },
            value: (_self: uPlot, raw: number | null) => (raw === null ? '–' : format ? format(raw) : String(raw)),
          })),
        ],
        bands: bands?.map((band) => ({ series: [band.upper + 1, band.lower + 1] as [number, number], fill: band.fill })),
        axes: [{ stroke: '#333' }, { stroke: '#333', values: format ? (_self, ticks) => ticks.map((tick) => format(tick)) : undefined, size: 70 }],
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      },
      [xs, ...series.map((one) => one.values)] as uPlot.AlignedData,
      target,
    );
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, target.clientWidth), height }));
    observer.observe(target);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [xs, series, bands, height, format]);
  const shown = series.filter((one) => !one.bandEdge);
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div ref={box} class="chart-canvas" role="img" aria-label={`${title}: chart of ${shown.map((one) => one.label).join(', ')} over ${xs.length} points; the table below has the numbers`} data-chart={id} />
      <details>
        <summary>Data table</summary>
        <TableBox label={`${title} data`}>
          <table class="small">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                {series.map((one) => (
                  <th scope="col" key={one.label}>
                    {one.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {xs.map((x, row) => (
                <tr key={x}>
                  <th scope="row">{new Date(x * 1000).toISOString().slice(0, 16).replace('T', ' ')}</th>
                  {series.map((one) => (
                    <td key={one.label} class="num">
                      {one.values[row] === null || one.values[row] === undefined ? '–' : format ? format(one.values[row] as number) : one.values[row]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </details>
    </figure>
  );
}

/** Colors with at least 4.5:1 contrast on white, distinguishable in the common color-vision deficiencies. */
export const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#7a4f01', '#6a1b9a', '#00696f', '#8c1d6b', '#444444'];
