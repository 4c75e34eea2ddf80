// Backport pull requests on the offline git forge. The incident's own PR lives on the record
// (incident data `pr`); a backport has one per target, so each is kept as a file named after its
// head branch under <git common dir>/firebreak/backport-prs/: <head>.json (the PR) and <head>.md
// (title and body, for people to read). Like the git forge, "opening" writes the record once and
// finding it again by head branch is how a re-run knows it is there. It works without an incident.

import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Forge, Label, PullRequest } from "../ports/forge.js";
import { nextOfflinePrNumber } from "../adapters/forge/offline-numbers.js";
import type { Store } from "../ports.js";
import { FirebreakError } from "../errors.js";
import { backportDir } from "./conflict.js";

/** What the backport step needs from a forge: the GitHub adapter, or the offline one below. */
export type BackportForge = Pick<Forge, "kind" | "findPullRequest" | "openPullRequest" | "ensureLabels" | "addLabels">;

const fileName = (head: string) => encodeURIComponent(head);

export class OfflineBackportPrs implements BackportForge {
  readonly kind = "git" as const;
  constructor(private readonly o: { cwd: string; store: Store | null }) {}

  async dir(): Promise<string> {
    return join(await backportDir(this.o.cwd), "..", "backport-prs");
  }

  private async read(file: string): Promise<PullRequest | null> {
    try {
      const pr = JSON.parse(await readFile(file, "utf8")) as PullRequest;
      return typeof pr.number === "number" ? pr : null;
    } catch {
      return null;
    }
  }

  private async byHead(head: string): Promise<PullRequest | null> {
    return this.read(join(await this.dir(), `${fileName(head)}.json`));
  }

  private async save(pr: PullRequest): Promise<PullRequest> {
    const dir = await this.dir();
    await mkdir(dir, { recursive: true });
    const base = join(dir, fileName(pr.head));
    await writeFile(`${base}.md`, `# ${pr.title}\n\n${pr.body}`);
    // The JSON is what a re-run looks for: written last, and whole (rename), so it is there only
    // once the PR is complete.
    await writeFile(`${base}.json.tmp`, JSON.stringify(pr, null, 2) + "\n");
    await rename(`${base}.json.tmp`, `${base}.json`);
    return pr;
  }

  /** Numbers continue after every PR this repository's record knows, offline or backport. */
  private async nextNumber(): Promise<number> {
    return nextOfflinePrNumber(this.o.store, join(await this.dir(), "..", ".."));
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    const pr = await this.byHead(head);
    return pr && pr.base === base && pr.state === "open" ? pr : null;
  }

  async openPullRequest(input: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequest> {
    const existing = await this.byHead(input.head);
    if (existing?.state === "open" && existing.base === input.base) return existing;
    if (existing)
      throw new FirebreakError({
        code: "PR_CLOSED",
        message: `The backport pull request for ${input.head} is ${existing.state}${existing.base !== input.base ? ` and targets ${existing.base}` : ""}.`,
        next: `look at ${existing.url}`,
      });
    const number = await this.nextNumber();
    const url = join(await this.dir(), `${fileName(input.head)}.md`);
    return this.save({ number, url, ...input, state: "open", labels: [], requestedReviewers: [] });
  }

  async ensureLabels(_labels: readonly Label[]): Promise<void> {
    // Plain git has no label catalogue: the names live on the PR record.
  }

  async addLabels(number: number, names: readonly string[]): Promise<void> {
    const dir = await this.dir();
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      if (!f.endsWith(".json")) continue;
      const pr = await this.read(join(dir, f));
      if (pr?.number === number) {
        await this.save({ ...pr, labels: [...new Set([...pr.labels, ...names])] });
        return;
      }
    }
    throw new FirebreakError({
      code: "PR_NOT_FOUND",
      message: `No backport pull request #${number} on the record.`,
      next: "firebreak backport --plan",
    });
  }
}
