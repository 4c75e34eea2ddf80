// The backport pull request's default title and body, one PR per target branch. A team replaces
// either with a file of the same name in .firebreak/templates/ (backport-pr-title.txt,
// backport-pr-body.md). The names they can use are the fields of BackportPrView in
// src/backport/pr-view.ts.

export const BACKPORT_PR_TITLE = "[BACKPORT][HOTFIX]{{#priority}}[{{priority}}]{{/priority}} {{ticket}}: {{title}} → {{target}}";

export const BACKPORT_PR_BODY = `## Backport

Carries the fix for **{{ticket}}** to \`{{target}}\`.

{{#originalPr}}
- Original pull request: [#{{number}}]({{url}}) ({{head}} → {{base}})
{{/originalPr}}
{{^originalPr}}
- Original pull request: none recorded
{{/originalPr}}
{{#incident}}
- Incident: {{ticket}} ({{priority}}, {{status}}): {{title}} · \`firebreak status {{ticket}}\`
{{/incident}}
{{^incident}}
- Incident: none (backported with \`firebreak backport --commit\`)
{{/incident}}

## Commits

{{#commits}}
- {{short}} {{subject}}
{{/commits}}
{{#how}}

Picked with: {{how}}.
{{/how}}

{{#resolved}}
**A person resolved a conflict on this target**: review the resolution with extra care.

{{/resolved}}
{{#loose}}
**Applied with whitespace ignored**: the target had reformatted the lines around the fix; check the indentation of the added lines.

{{/loose}}
Each commit keeps its original author and says which commit it was cherry-picked from.
Made with \`firebreak backport\`.
`;
