import type { Me } from '../session';
export function ResidentPage({ me }: { me: Me }) {
  return <p>{me.username}</p>;
}
