/** One bar: its label (x axis) and value. */
export interface Bar {
  label: string;
  value: number;
}

/**
 * A small bar chart in SVG. Accessible: the SVG is an image with a title and description, and the
 * same figures are in a visually plain table beneath it for screen readers and copying.
 */
export function BarChart({ title, bars, unit }: { title: string; bars: Bar[]; unit: string }) {
  const w = 640;
  const h = 200;
  const pad = { top: 12, bottom: 40, left: 36 };
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (w - pad.left) / Math.max(1, bars.length);
  const bw = Math.min(48, slot * 0.7);
  const y = (v: number) => pad.top + (h - pad.top - pad.bottom) * (1 - v / max);
  const id = title.replace(/\W+/g, '-').toLowerCase();
  return (
    <figure style={{ margin: 0 }}>
      <svg
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${w} ${h}`}
        width="100%"
        style={{ maxWidth: w, display: 'block' }}
        data-testid="bar-chart"
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{bars.map((b) => `${b.label}: ${b.value} ${unit}`).join('; ')}</desc>
        <line x1={pad.left} x2={w} y1={y(0)} y2={y(0)} stroke="#495057" />
        <text x={pad.left - 6} y={y(max) + 4} textAnchor="end" fontSize="11" fill="#343a40">
          {max}
        </text>
        <text x={pad.left - 6} y={y(0) + 4} textAnchor="end" fontSize="11" fill="#343a40">
          0
        </text>
        {bars.map((b, i) => {
          const x = pad.left + i * slot + (slot - bw) / 2;
          return (
            <g key={b.label}>
              <rect x={x} y={y(b.value)} width={bw} height={y(0) - y(b.value)} fill="#1864ab" />
              <text x={x + bw / 2} y={y(b.value) - 3} textAnchor="middle" fontSize="11" fill="#212529">
                {b.value}
              </text>
              <text x={x + bw / 2} y={h - pad.bottom + 14} textAnchor="middle" fontSize="10" fill="#343a40">
                {b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption style={{ fontSize: 13 }}>{title}</figcaption>
    </figure>
  );
}
