// The internal message for Slack (mrkdwn) and Teams (Markdown). A team replaces either with a file
// of the same name in .firebreak/templates/ (slack.txt, teams.md). The names they can use are the
// fields of AnnouncementView in src/announce/model.ts. Values are escaped for the channel, so a
// title like "<!channel>" or "@here" arrives as text; the markup here is the template's own.

export const SLACK_MESSAGE = `*{{stageLabel}}: [{{priority}}] {{ticket}} {{title}}*
Priority {{priority}} ({{levelKind}}) · status *{{stageLabel}}* · record status {{status}}

*Timeline (UTC)*
• Discovered: {{discoveredAt}}
{{#deployedAt}}
• Fix deployed: {{deployedAt}}{{#version}} ({{version}}){{/version}}
{{/deployedAt}}
{{#resolvedAt}}
• Resolved: {{resolvedAt}}
{{/resolvedAt}}
• Duration: {{duration}} ({{durationWhat}})

*Impact*
{{#impact}}
{{impact}}
{{/impact}}
{{^impact}}
{{#whatWasBroken}}{{whatWasBroken}}{{/whatWasBroken}}{{^whatWasBroken}}_Not recorded yet._{{/whatWasBroken}}
{{/impact}}

*Root cause*
{{#rootCause}}
{{rootCause}}
{{/rootCause}}
{{^rootCause}}
_Not identified yet._
{{/rootCause}}

*Fix*
{{#fixes}}
• {{.}}
{{/fixes}}
{{^fixes}}
_No fix committed yet._
{{/fixes}}

*Verification*
{{#verificationSummary}}
{{verificationSummary}}
{{/verificationSummary}}
{{#figures}}
• {{.}}
{{/figures}}
{{^verificationSummary}}
{{^figures}}
_{{#verified}}Verified in production.{{/verified}}{{^verified}}Not verified in production yet.{{/verified}}_
{{/figures}}
{{/verificationSummary}}

*Pull request*
{{#prNumber}}#{{prNumber}}{{/prNumber}}{{#prUrl}} {{prUrl}}{{/prUrl}}{{^prNumber}}_None yet._{{/prNumber}}
{{#anyFollowUps}}

*Follow-ups*
{{/anyFollowUps}}
{{#followUps}}
• {{.}}
{{/followUps}}
`;
