// The pull request's default title and body. A team replaces either with a file of the same name
// in .firebreak/templates/ (pr-title.txt, pr-body.md). The names the body can use are the fields
// of PrView in src/workflow/pr.ts.

export const PR_TITLE = "[RELEASE][HOTFIX][{{priority}}] {{ticket}}: {{title}}";

export const PR_BODY = `## Urgency

**{{priority}}**: {{levelKind}}. Respond within {{respondWithin}}.
Ticket {{ticket}} · discovered {{discoveredAt}} · deadline {{deadlineAt}}

## Impact

{{#whatWasBroken}}
**What is broken:** {{whatWasBroken}}

{{/whatWasBroken}}
{{#impact}}
{{impact}}
{{/impact}}
{{^impact}}
_Impact not recorded: \`firebreak note --impact "…"\`_
{{/impact}}

## Root Cause

{{#rootCause}}
{{rootCause}}
{{/rootCause}}
{{^rootCause}}
_Root cause not recorded yet._
{{/rootCause}}

## The Fix

{{#commits}}
- commit {{short}}
{{/commits}}
{{#files}}
- {{path}} (+{{added}} −{{deleted}})
{{/files}}
{{^files}}
_No commit recorded yet._
{{/files}}
{{#anyFiles}}

{{fileCount}} file(s), +{{totalAdded}} −{{totalDeleted}} lines.
{{/anyFiles}}

## Testing

{{#checks}}
- [{{#passed}}x{{/passed}}{{^passed}} {{/passed}}] {{name}}: {{status}}
{{/checks}}
{{^checks}}
- [ ] Automated checks: none recorded
{{/checks}}
{{#confirmations}}
- [{{#done}}x{{/done}}{{^done}} {{/done}}] {{label}}{{#summary}}: {{summary}}{{/summary}}
{{/confirmations}}

## Regression Test

{{#testFiles}}
- {{.}}
{{/testFiles}}
{{#testCases}}
  - case: {{.}}
{{/testCases}}
{{^testFiles}}
_No regression test was added._
{{/testFiles}}

## Rollback Plan

{{rollback}}

## Monitoring

{{#metrics}}
- Metric: {{.}}
{{/metrics}}
{{#smokeTests}}
- Smoke test: {{.}}
{{/smokeTests}}
{{^monitoring}}
None configured: add metrics and smoke tests under \`verify:\` in .firebreak.yml.
{{/monitoring}}
{{#anyOverrides}}

## Guard Overrides

{{/anyOverrides}}
{{#overrides}}
- {{rule}}: {{reason}}
{{/overrides}}
`;
