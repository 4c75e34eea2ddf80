// The incident data keys the review area owns, and readers that tolerate older or partial shapes.

import type { Incident } from "../domain/types.js";
import { isObj, num, str } from "./record.js";

export const PREVENTION_KINDS = ["test", "monitoring", "process", "docs"] as const;
export type PreventionKind = (typeof PREVENTION_KINDS)[number];

/** incident.data.actions[]: written by `firebreak action add`. */
export interface ActionItem {
  id: string; // A1, A2…
  text: string;
  owner: string;
  due: string; // YYYY-MM-DD
  kind?: PreventionKind;
  addedAt: string;
  addedBy: string;
}

/** incident.data.review */
export interface ReviewState {
  path?: string; // relative to the repository
  html?: string;
  writtenAt?: string;
  /** ISO time the review is due (P0/P1: 72 h after the fix was verified). */
  due?: string | null;
  /** ISO time it was marked done, or null. */
  done?: string | null;
  doneBy?: string;
  scheduled?: { at: string; minutes: number; attendees: string[]; ics?: string; uid: string; sequence: number } | null;
}

/** incident.data.impactDetails */
export interface ImpactDetails {
  users?: number;
  revenue?: string;
  supportTickets?: number;
  mentions?: number;
  experience?: string;
}

/** incident.data.followups */
export interface FollowupLink {
  action: string; // A1
  tracker: "github" | "linear" | "file";
  url: string;
  ref: string; // #12, ENG-99, or the file
  openedAt: string;
}
export interface FollowupsState {
  items: FollowupLink[];
  ticketComment?: { tracker: string; url: string; at: string } | null;
}

export function readActions(incident: Incident): ActionItem[] {
  const raw = incident.data.actions;
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObj).flatMap((a) => {
    const id = str(a.id);
    const text = str(a.text);
    if (!id || !text) return [];
    const kind = PREVENTION_KINDS.find((k) => k === a.kind);
    return [
      {
        id,
        text,
        owner: str(a.owner) ?? "",
        due: str(a.due) ?? "",
        ...(kind ? { kind } : {}),
        addedAt: str(a.addedAt) ?? "",
        addedBy: str(a.addedBy) ?? "",
      },
    ];
  });
}

export function readReviewState(incident: Incident): ReviewState {
  const r = incident.data.review;
  return isObj(r) ? (r as ReviewState) : {};
}

export function readImpactDetails(incident: Incident): ImpactDetails {
  const d = incident.data.impactDetails;
  if (!isObj(d)) return {};
  const out: ImpactDetails = {};
  const users = num(d.users);
  const tickets = num(d.supportTickets);
  const mentions = num(d.mentions);
  if (users !== undefined) out.users = users;
  if (str(d.revenue)) out.revenue = str(d.revenue);
  if (tickets !== undefined) out.supportTickets = tickets;
  if (mentions !== undefined) out.mentions = mentions;
  if (str(d.experience)) out.experience = str(d.experience);
  return out;
}

export function readFollowups(incident: Incident): FollowupsState {
  const f = incident.data.followups;
  if (!isObj(f)) return { items: [] };
  const items = Array.isArray(f.items) ? (f.items.filter(isObj) as unknown as FollowupLink[]) : [];
  return { items, ticketComment: isObj(f.ticketComment) ? (f.ticketComment as FollowupsState["ticketComment"]) : null };
}
