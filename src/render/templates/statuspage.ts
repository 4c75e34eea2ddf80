// What customers read on the status page (Atlassian Statuspage and the static page): the incident's
// name and one update per stage, in plain words. Replace them with .firebreak/templates/
// statuspage-name.txt and statuspage-body.txt. Names: the fields of AnnouncementView
// (src/announce/model.ts). Root causes and internal links stay out of the default on purpose.

export const STATUSPAGE_NAME = "{{publicTitle}}";

export const STATUSPAGE_BODY = `{{publicUpdate}}
{{#isInvestigating}}
{{#publicSummary}}

Affected: {{publicSummary}}
{{/publicSummary}}
{{/isInvestigating}}
`;
