// The offline tracker: follow-ups and the resolution comment are sections of one Markdown file per
// incident, <git common dir>/firebreak/followups/<TICKET>.md. Each section carries its key's marker,
// so an interrupted run finds what it already wrote and never writes it twice.

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { NewTrackerIssue, Tracker, TrackerComment, TrackerItem } from "../../ports/tracker.js";
import { keyMarker } from "./key-marker.js";

export class FileTracker implements Tracker {
  readonly kind = "file" as const;
  readonly where: string;
  constructor(
    private readonly file: string,
    private readonly ticket: string,
  ) {
    this.where = file;
  }

  static async forIncident(gitCommonDir: string, ticket: string): Promise<FileTracker> {
    return new FileTracker(join(gitCommonDir, "firebreak", "followups", `${ticket.replace(/[^A-Za-z0-9._-]/g, "_")}.md`), ticket);
  }

  private async read(): Promise<string> {
    return readFile(this.file, "utf8").catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") return `# Follow-ups for ${this.ticket}\n`;
      throw e;
    });
  }

  private async append(key: string, section: string): Promise<TrackerItem> {
    const text = await this.read();
    const item = { ref: `${this.file}#${key.split("/").pop()}`, url: `${this.file}#${key.split("/").pop()}` };
    if (text.includes(keyMarker(key))) return item;
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, `${text.trimEnd()}\n\n${keyMarker(key)}\n${section.trimEnd()}\n`);
    await rename(tmp, this.file);
    return item;
  }

  private async find(key: string): Promise<TrackerItem | null> {
    const text = await this.read();
    return text.includes(keyMarker(key))
      ? { ref: `${this.file}#${key.split("/").pop()}`, url: `${this.file}#${key.split("/").pop()}` }
      : null;
  }

  openIssue(input: NewTrackerIssue): Promise<TrackerItem> {
    return this.append(input.key, `## ${input.title}\n\n${input.due ? `Due ${input.due}\n\n` : ""}${input.body}`);
  }
  findIssue(key: string): Promise<TrackerItem | null> {
    return this.find(key);
  }
  ticketTarget(ticket: string): string {
    return ticket;
  }
  comment(input: TrackerComment): Promise<TrackerItem> {
    return this.append(input.key, `## Resolution (comment for ${input.target})\n\n${input.body}`);
  }
  findComment(key: string): Promise<TrackerItem | null> {
    return this.find(key);
  }
}
