// The internal message for Microsoft Teams, in Markdown: each paragraph becomes a TextBlock of an
// Adaptive Card. Replace it with .firebreak/templates/teams.md. See slack.ts for the names.

export const TEAMS_MESSAGE = `**{{stageLabel}}: [{{priority}}] {{ticket}} {{title}}**

Priority {{priority}} ({{levelKind}}) · status **{{stageLabel}}** · record status {{status}}

**Timeline (UTC)**

- Discovered: {{discoveredAt}}
{{#deployedAt}}
- Fix deployed: {{deployedAt}}{{#version}} ({{version}}){{/version}}
{{/deployedAt}}
{{#resolvedAt}}
- Resolved: {{resolvedAt}}
{{/resolvedAt}}
- Duration: {{duration}} ({{durationWhat}})

**Impact**

{{#impact}}
{{impact}}
{{/impact}}
{{^impact}}
{{#whatWasBroken}}{{whatWasBroken}}{{/whatWasBroken}}{{^whatWasBroken}}_Not recorded yet._{{/whatWasBroken}}
{{/impact}}

**Root cause**

{{#rootCause}}
{{rootCause}}
{{/rootCause}}
{{^rootCause}}
_Not identified yet._
{{/rootCause}}

**Fix**

{{#fixes}}
- {{.}}
{{/fixes}}
{{^fixes}}
_No fix committed yet._
{{/fixes}}

**Verification**

{{#verificationSummary}}
{{verificationSummary}}
{{/verificationSummary}}
{{#figures}}
- {{.}}
{{/figures}}
{{^verificationSummary}}
{{^figures}}
_{{#verified}}Verified in production.{{/verified}}{{^verified}}Not verified in production yet.{{/verified}}_
{{/figures}}
{{/verificationSummary}}

**Pull request**

{{#prNumber}}#{{prNumber}}{{/prNumber}}{{#prUrl}} {{prUrl}}{{/prUrl}}{{^prNumber}}_None yet._{{/prNumber}}
{{#anyFollowUps}}

**Follow-ups**

{{/anyFollowUps}}
{{#followUps}}
- {{.}}
{{/followUps}}
`;
