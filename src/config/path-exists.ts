import { access } from "node:fs/promises";

/** True when the path exists (file or folder); for detection, where absence is an answer. */
export async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
