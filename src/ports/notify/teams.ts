// Microsoft Teams: an incoming webhook taking an Adaptive Card. Adapter: adapters/notify/teams.ts.

export interface TeamsMessage {
  type: "message";
  attachments: { contentType: "application/vnd.microsoft.card.adaptive"; contentUrl: null; content: Record<string, unknown> }[];
}

export interface TeamsNotifier {
  post(card: TeamsMessage): Promise<void>;
}
