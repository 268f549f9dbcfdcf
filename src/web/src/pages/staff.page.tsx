import type { Me } from '../session';
export function StaffPage({ me }: { me: Me }) {
  return <p>{me.username}</p>;
}
