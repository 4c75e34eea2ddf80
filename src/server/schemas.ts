// The API's shapes, from which /openapi.json is generated. Inputs reuse the core's vocabularies
// (priorities, confirmable items, waivable items, roles) so the API cannot drift from the CLI.

import { z } from "@hono/zod-openapi";
import { PRIORITIES } from "../domain/types.js";
import { CONFIRMABLE } from "../workflow/confirm.js";
import { WAIVABLE } from "../workflow/waive.js";
import { ROLES, TOKEN_KINDS } from "../store/server-records.js";
import { STORE_READS, STORE_WRITES } from "../store/remote-protocol.js";

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      why: z.string().nullable(),
      next: z.string().nullable(),
      details: z.array(z.string()),
    }),
    requestId: z.string(),
  })
  .openapi("Error");

export const Incident = z
  .object({
    id: z.string(),
    ticket: z.string(),
    title: z.string(),
    priority: z.enum(PRIORITIES),
    criteria: z.array(z.string()),
    status: z.string(),
    discoveredAt: z.string(),
    deadlineAt: z.string(),
    branch: z.string(),
    base: z.string(),
    remote: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    private: z.boolean(),
  })
  .openapi("Incident");

export const TimelineEvent = z
  .object({
    incidentId: z.string(),
    seq: z.number().int(),
    at: z.string(),
    recordedAt: z.string(),
    actor: z.string(),
    kind: z.string(),
    data: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .openapi("TimelineEvent");

export const ChecklistItem = z
  .object({ id: z.string(), phase: z.string(), label: z.string(), state: z.enum(["done", "waived", "next", "todo", "not-needed"]) })
  .openapi("ChecklistItem");

export const Token = z
  .object({
    id: z.string(),
    team: z.string().openapi({ description: "the team it belongs to: it sees and works on that team's incidents only" }),
    name: z.string(),
    role: z.enum(ROLES),
    kind: z.enum(TOKEN_KINDS),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    incidentScope: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("Token");

const confirmItems = Object.keys(CONFIRMABLE) as [string, ...string[]];

export const NoteInput = z.object({ text: z.string().trim().min(1).max(4000) }).openapi("NoteInput");
export const ConfirmInput = z.object({ item: z.enum(confirmItems), note: z.string().max(2000).optional() }).openapi("ConfirmInput");
export const ApproveInput = z
  .object({
    note: z.string().max(2000).optional(),
    sha: z
      .string()
      .regex(/^[0-9a-f]{7,64}$/)
      .optional(),
  })
  .openapi("ApproveInput");
export const WaiveInput = z.object({ item: z.enum(WAIVABLE), reason: z.string().min(1).max(2000) }).openapi("WaiveInput");
export const MemberInput = z.object({ member: z.string().trim().min(1).max(100) }).openapi("MemberInput");
export const IncidentParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" } }),
});
export const AccessRequestInput = z
  .object({ incident: z.string().trim().min(1).max(200), reason: z.string().trim().min(1).max(1000) })
  .openapi("AccessRequestInput");

export const WhoAmI = z.object({ name: z.string(), role: z.enum(ROLES), kind: z.enum(TOKEN_KINDS), team: z.string() }).openapi("WhoAmI");
export const StoreMethodParam = z.object({
  method: z.enum([...STORE_READS, ...STORE_WRITES]).openapi({ param: { name: "method", in: "path" } }),
});
export const StoreCallInput = z.object({ args: z.array(z.unknown()).max(8) }).openapi("StoreCallInput");
export const StoreCallResult = z.object({ result: z.unknown() }).openapi("StoreCallResult");
// Token management and access requests over HTTP (admins, commanders).
export const TokenInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    kind: z.enum(TOKEN_KINDS).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    incidentScope: z.string().trim().min(1).max(200).optional(),
  })
  .openapi("TokenInput");
export const TokenCreated = z
  .object({ token: Token, secret: z.string().openapi({ description: "shown once; the server keeps only its sha256" }), next: z.string() })
  .openapi("TokenCreated");
export const TokenParam = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "id", in: "path" } }),
});
export const AccessRequest = z
  .object({
    seq: z.number().int().openapi({ description: "the request's entry on the audit log" }),
    at: z.string(),
    requester: z.string(),
    reason: z.string(),
    incident: z.object({ id: z.string(), ticket: z.string(), title: z.string(), private: z.boolean() }),
    requests: z.number().int().openapi({ description: "how many times this requester asked for this incident" }),
  })
  .openapi("AccessRequest");
