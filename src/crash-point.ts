// Fault injection for the crash tests: FIREBREAK_CRASH_AT=<effect key>:<point> makes the process
// kill itself with SIGKILL at exactly that point, the way a power cut or `kill -9` would. Tests use
// it to prove that a re-run neither repeats nor loses anything. Unset, it costs one env lookup.

export function crashPoint(key: string, point: "after-intent" | "after-perform" | "between-renames" | "after-upload" | "after-keep"): void {
  const want = process.env.FIREBREAK_CRASH_AT;
  if (want && want === `${key}:${point}`) process.kill(process.pid, "SIGKILL");
}
