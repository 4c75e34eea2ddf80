// E-mail over SMTP (nodemailer). One message per batch: the affected users in Bcc, so nobody sees
// anyone else's address. The subject is folded onto one line here, at the edge, whatever template
// produced it, so no text can add a header. An SMTP refusal (a 4xx/5xx reply) means nothing was
// accepted; a connection lost after the message was handed over may have delivered it.

import { createTransport, type Transporter } from "nodemailer";
import type { Secret } from "../../config/secrets.js";
import { AmbiguousOutcome } from "../../ports/outcome.js";
import { redact, safeExcerpt } from "../../redact.js";
import { notifyError } from "./http.js";
import type { EmailBatchResult, EmailContent, EmailNotifier } from "../../ports/notify/email.js";

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: Secret;
  timeoutMs: number;
}

export type { EmailContent };

// In its own file so the announcement renderer can use it without loading nodemailer.
import { headerSafe } from "./header-safe.js";
export { headerSafe };

/** The address inside "Name <address>", or the value itself. */
export const bareAddress = (from: string): string => /<([^<>\s]+)>\s*$/.exec(from)?.[1] ?? from.trim();

export function openSmtp(s: SmtpSettings): Transporter {
  return createTransport({
    host: s.host,
    port: s.port,
    secure: s.secure,
    ...(s.user ? { auth: { user: s.user, pass: s.password?.reveal() ?? "" } } : {}),
    connectionTimeout: s.timeoutMs,
    greetingTimeout: s.timeoutMs,
    socketTimeout: s.timeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A transport that sends nothing and hands back each message as RFC 5322 text, for writing .eml
 * files (an outbox folder a mail tool picks up, or a look before anything goes out).
 */
export function openEmlWriter(): Transporter {
  return createTransport({ streamTransport: true, buffer: true, newline: "unix" });
}

export async function sendBatch(transport: Transporter, content: EmailContent, recipients: string[]): Promise<EmailBatchResult> {
  try {
    const from = headerSafe(content.from, 320);
    const info = await transport.sendMail({
      from,
      // To: the sender itself, so the header is never empty; the envelope carries only the recipients.
      to: from,
      bcc: recipients,
      envelope: { from: bareAddress(from), to: recipients },
      ...(content.replyTo ? { replyTo: headerSafe(content.replyTo, 320) } : {}),
      subject: headerSafe(redact(content.subject)),
      text: redact(content.text),
      html: redact(content.html),
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const accepted = Array.isArray(info.accepted) ? info.accepted.length : 0;
    const rejected = Array.isArray(info.rejected) ? info.rejected.length : 0;
    // The stream transport accepts no one but hands back the message itself.
    const raw = Buffer.isBuffer((info as { message?: unknown }).message) ? (info as { message: Buffer }).message : undefined;
    return { messageId: String(info.messageId ?? ""), accepted: raw ? recipients.length : accepted, rejected, ...(raw ? { raw } : {}) };
  } catch (e) {
    const err = e as SmtpError;
    const reason = headerSafe(safeExcerpt(err.response ?? err.message, 200), 200);
    if (typeof err.responseCode === "number")
      throw notifyError(
        "E-mail",
        `the SMTP server refused the message (${reason}); nothing was sent`,
        "check notify.email (from, smtp) and the recipients, then run the same command again",
      );
    // Lost while the message itself was being handed over: it may have been accepted.
    if (err.command === "DATA" || (err.command === undefined && (err.code === "ETIMEDOUT" || err.code === "ESOCKET")))
      throw new AmbiguousOutcome(
        `E-mail: the connection was lost while the message was being delivered (${reason}), so it may have been sent`,
      );
    throw notifyError(
      "E-mail",
      `could not reach the SMTP server (${reason}); nothing was sent`,
      "check notify.email.smtp (host, port, secure), then run the same command again",
    );
  }
}

/** Sends through `transport`: SMTP (openSmtp), or .eml text handed back (openEmlWriter). */
export class EmailBatches implements EmailNotifier {
  constructor(private readonly transport: Transporter) {}
  sendBatch(content: EmailContent, recipients: string[]): Promise<EmailBatchResult> {
    return sendBatch(this.transport, content, recipients);
  }
  close(): void {
    this.transport.close();
  }
}
