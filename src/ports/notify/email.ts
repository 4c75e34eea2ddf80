// E-mail over SMTP, or .eml files written to a folder instead (notify.email.outDir). One message
// per batch, the recipients in Bcc. Adapter: adapters/notify/email.ts.

export interface EmailContent {
  from: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailBatchResult {
  messageId: string;
  accepted: number;
  rejected: number;
  /** The message itself, when it was written rather than sent. */
  raw?: Buffer;
}

export interface EmailNotifier {
  /** Sends one batch. A refusal throws a clean failure; a connection lost mid-message, AmbiguousOutcome. */
  sendBatch(content: EmailContent, recipients: string[]): Promise<EmailBatchResult>;
  /** Closes the connection (if one was opened). */
  close(): void;
}
