// The one reader of the pull request on the record. The forge keeps it in the incident's data
// cache (`pr`: number, url, title, body, state, labels… and which forge); the pr.opened event
// says when it was opened. Everything that asks "which PR is this incident's" reads it here.

import type { Incident } from "../types.js";
import { isObj, num, str } from "./read.js";

export interface PrRecord {
  number: number;
  url?: string;
  title?: string;
  state?: string;
  /** The forge's own fields (body, head, base, labels…), as the forge stored them. */
  [field: string]: unknown;
}

/** The PR on the record, or null when none is (a number is what makes it one). */
export function readPr(incident: Pick<Incident, "data">): PrRecord | null {
  const pr = incident.data.pr;
  if (!isObj(pr)) return null;
  const number = num(pr.number);
  if (number === undefined) return null;
  const url = str(pr.url);
  const title = str(pr.title);
  const state = str(pr.state);
  return { ...pr, number, ...(url ? { url } : {}), ...(title ? { title } : {}), ...(state ? { state } : {}) };
}
