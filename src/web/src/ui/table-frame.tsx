/** A table that scrolls sideways on a phone (focusable, named for screen readers) with one header row. */
import type { ComponentChildren } from 'preact';

export function TableFrame({ label, heads, numeric = [], children }: { label: string; heads: string[]; numeric?: number[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table>
        <thead>
          <tr>
            {heads.map((h, i) => (
              <th key={i} scope="col" class={numeric.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
