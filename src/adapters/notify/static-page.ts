// The static status page: status.json (the record of public updates, every incident on the page)
// and index.html rendered from it, written to a folder ready for any static host. Both are written
// beside the folder and renamed in, status.json last, so a host never serves half a file and a
// re-run never takes a half-written page for a published one. Writing the same update twice
// changes nothing: an update is keyed by incident and stage.

import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { FirebreakError } from "../../errors.js";
import { crashPoint } from "../../crash-point.js";
import type { StaticPageNotifier, StatusDocument } from "../../ports/notify/static-page.js";

export type { StaticIncident, StaticUpdate, StatusDocument } from "../../ports/notify/static-page.js";

export async function readStatus(dir: string): Promise<StatusDocument | null> {
  try {
    const doc = JSON.parse(await readFile(join(dir, "status.json"), "utf8")) as StatusDocument;
    return doc && Array.isArray(doc.incidents) ? doc : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    if (e instanceof SyntaxError)
      throw new FirebreakError({
        code: "STATUS_PAGE_INVALID",
        message: `${join(dir, "status.json")} is not valid JSON, so the page cannot be updated.`,
      });
    throw e;
  }
}

/** True when status.json already holds this stage's update for this incident. */
export async function hasUpdate(dir: string, id: string, stage: string): Promise<boolean> {
  const doc = await readStatus(dir);
  return doc?.incidents.some((i) => i.id === id && i.updates.some((u) => u.stage === stage)) ?? false;
}

/**
 * Writes the page as one step. Both files are rendered first and written to a folder beside the
 * public one (a static host never lists it), then index.html is renamed into place and status.json
 * last: status.json is what a re-run reads to learn whether the update went out, so it never says
 * "updated" while index.html is still the old page. Both are read back before the caller records it.
 */
export async function writeStatusPage(dir: string, doc: StatusDocument, html: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await removeStrayTemps(dir);
  const json = JSON.stringify(doc, null, 2) + "\n";
  const staging = await mkdtemp(join(dirname(resolve(dir)), `.${basename(resolve(dir))}.firebreak-`));
  try {
    await writeFile(join(staging, "index.html"), html);
    await writeFile(join(staging, "status.json"), json);
    await rename(join(staging, "index.html"), join(dir, "index.html"));
    crashPoint("static-page", "between-renames");
    await rename(join(staging, "status.json"), join(dir, "status.json"));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const [readHtml, readJson] = await Promise.all([readFile(join(dir, "index.html"), "utf8"), readFile(join(dir, "status.json"), "utf8")]);
  if (readHtml !== html || readJson !== json)
    throw new FirebreakError({
      code: "STATUS_PAGE_CHANGED",
      message: `${dir} changed while the status page was being written (another writer?), so the update is not recorded as published.`,
    });
}

/** Temporary files an older version left inside the public folder after a crash. */
async function removeStrayTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[]))
    if (/^(status\.json|index\.html)\.tmp-\d+$/.test(name)) await rm(join(dir, name), { force: true });
  const parent = dirname(resolve(dir));
  const prefix = `.${basename(resolve(dir))}.firebreak-`;
  for (const name of await readdir(parent).catch(() => [] as string[]))
    if (name.startsWith(prefix)) await rm(join(parent, name), { recursive: true, force: true });
}

/** The page in one folder (notify.staticPage.dir, resolved against the repository root). */
export class StaticPageFolder implements StaticPageNotifier {
  constructor(
    private readonly path: string,
    readonly dir: string,
  ) {}
  read(): Promise<StatusDocument | null> {
    return readStatus(this.path);
  }
  hasUpdate(id: string, stage: string): Promise<boolean> {
    return hasUpdate(this.path, id, stage);
  }
  write(doc: StatusDocument, html: string): Promise<void> {
    return writeStatusPage(this.path, doc, html);
  }
}
