import type { Me } from '../session';
export function DriverPage({ me }: { me: Me }) {
  return <p>{me.username}</p>;
}
