/** A number of the glance that opens the list behind it (the figure's `href`) below the figures. */
import { t } from '../../i18n';

/** A list opened from a number; its title is said again in the reader's language when it changes. */
export interface Opened { href: string; title: () => string }

interface Props {
  value: number;
  href: string | null;
  /** What the list is, in words ("Needs of Jianguo: food package, waiting"). */
  title: () => string;
  /** A key naming the figure in the overview, for the e2e to compare with the API's. */
  figure: string;
  onOpen: (o: Opened) => void;
}

export function FigureLink({ value, href, title, figure, onOpen }: Props) {
  if (!href || value === 0) return <span data-figure={figure}>{value}</span>;
  return (
    <button type="button" class="link-button" data-figure={figure} aria-label={t('figureOpen', { n: value, what: title() })} onClick={() => onOpen({ href, title })}>
      {value}
    </button>
  );
}
