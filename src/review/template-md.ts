// The review's default Markdown template. A team replaces it with .firebreak/templates/review.md;
// the names it can use are the fields of ReviewModel (src/review/model.ts) plus `charts`.
// Sections between `firebreak:edit` markers are for people: a re-run keeps what they wrote there.

export const REVIEW_MD = `# Post-incident review: {{ticket}} {{title}}

{{priority}} · {{level}} · status {{status}} · discovered {{discoveredAt}}{{#reviewDue}} · review due {{reviewDue}}{{/reviewDue}}{{#meeting}} · meeting {{meeting}}{{/meeting}}{{#reviewDone}} · review done {{reviewDone}}{{/reviewDone}}

<!-- Written by firebreak from the incident record. Text between firebreak:edit markers is yours: a re-run keeps it. Everything else is regenerated. -->

## Summary

<!-- firebreak:edit summary -->
{{#summaryLines}}
{{.}}

{{/summaryLines}}
<!-- /firebreak:edit summary -->

{{#charts.timeline}}
![Phases: detect → branch → PR → deploy → verified, with the deadline]({{file}})

{{/charts.timeline}}
## Timeline (UTC)

{{#timeline}}
- {{at}} · {{actor}} · {{text}}
{{/timeline}}

<!-- firebreak:edit timeline-notes -->
<!-- /firebreak:edit timeline-notes -->

## Impact

| | |
|---|---|
{{#impact.rows}}
| {{label}} | {{value}} |
{{/impact.rows}}

{{#impact.note}}
{{impact.note}}

{{/impact.note}}
<!-- firebreak:edit impact -->
<!-- /firebreak:edit impact -->

## Root Cause

<!-- firebreak:edit root-cause -->
{{#rootCause}}
{{rootCause}}
{{/rootCause}}
{{^rootCause}}
_Not recorded yet (firebreak commit --root-cause "…")._
{{/rootCause}}
<!-- /firebreak:edit root-cause -->

{{#commits}}
- commit {{short}} {{subject}}
{{/commits}}

## Resolution

{{#resolution.pr}}
- Pull request #{{number}} {{title}}{{#url}} ({{url}}){{/url}}
{{/resolution.pr}}
{{#resolution.tag}}
- Release tag {{resolution.tag}}
{{/resolution.tag}}
{{#resolution.deploys}}
- Deployed to {{env}}{{#what}} ({{what}}){{/what}}{{#at}} at {{at}}{{/at}}{{#url}} · {{url}}{{/url}}
{{/resolution.deploys}}
{{#resolution.verification}}
- Verification: {{outcome}}{{#at}} at {{at}}{{/at}}{{#summary}}: {{summary}}{{/summary}}
{{/resolution.verification}}
{{#metrics}}
- {{name}}: {{before}} before → {{after}} after{{#unit}} {{unit}}{{/unit}}
{{/metrics}}
{{#resolution.rollbacks}}
- Rolled back at {{at}}: {{summary}}
{{/resolution.rollbacks}}
{{#resolution.empty}}
_Nothing released yet: no pull request, tag, deploy or verification on the record._
{{/resolution.empty}}
{{#charts.metrics}}

![{{name}} over time: baseline, deploy, verdict]({{file}})
{{/charts.metrics}}

## What Went Well

<!-- firebreak:edit went-well -->
{{#wentWell}}
- {{.}}
{{/wentWell}}
{{^wentWell}}
_Nothing on the record yet: add what helped._
{{/wentWell}}
<!-- /firebreak:edit went-well -->

## What Went Wrong

<!-- firebreak:edit went-wrong -->
{{#wentWrong}}
- {{.}}
{{/wentWrong}}
{{^wentWrong}}
_Nothing on the record: add what slowed you down._
{{/wentWrong}}
<!-- /firebreak:edit went-wrong -->

## Action Items

{{#actions}}
- [ ] {{id}} {{text}} · owner {{owner}} · due {{due}}{{#kindLabel}} · {{kindLabel}}{{/kindLabel}}{{#followup}} · {{followup}}{{/followup}}
{{/actions}}
{{^actions}}
_None yet: firebreak action add "…" --owner NAME --due YYYY-MM-DD_
{{/actions}}

## Prevention

<!-- firebreak:edit prevention -->
{{#prevention}}
**{{label}}:**{{^items}} _to decide_{{/items}}
{{#items}}
- {{.}}
{{/items}}

{{/prevention}}
<!-- /firebreak:edit prevention -->

## Lessons Learned

<!-- firebreak:edit lessons -->
_What would you tell the next person on call?_
<!-- /firebreak:edit lessons -->
`;
