// A span as people read it in a list or a banner: 11h59m, 42m, 7m05s under ten minutes,
// "expired" at or below zero.
export function timeLeft(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s <= 0) return "expired";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m >= 10) return `${m}m`;
  return `${m}m${String(s % 60).padStart(2, "0")}s`;
}
