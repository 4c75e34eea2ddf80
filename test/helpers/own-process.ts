// Signals a process a test started, found by the pid it wrote down, only while that pid is still
// that process. A pid written by a process that has since exited is soon reused on a busy machine
// (by another test's child, or the test runner itself), and a cleanup that kills it blindly can take
// down whatever got the number. The process's command line (Linux /proc) must name the marker, a
// path only the test's own processes carry (their script or their fixture folder).

import { readFileSync } from "node:fs";

/** Whether pid is a live process whose command line contains marker. */
export function isOwn(pid: number, marker: string): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
  } catch {
    return false; // gone
  }
}

/** Sends sig to pid when it is still the test's own process; otherwise does nothing. */
export function killOwn(pid: number, marker: string, sig: NodeJS.Signals = "SIGKILL"): void {
  if (!isOwn(pid, marker)) return;
  try {
    process.kill(pid, sig);
  } catch {
    /* gone between the look and the kill */
  }
}
