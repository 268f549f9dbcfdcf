export function DispatcherPage() {
  return <p>dispatch</p>;
}
