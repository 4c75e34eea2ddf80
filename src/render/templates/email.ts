// The e-mail to affected users: a subject, what happened and when, the resolution, and what we are
// doing. An HTML part and a plain-text part. Replace any of them with .firebreak/templates/
// email-subject.txt, email.html or email.txt. Names: the fields of AnnouncementView
// (src/announce/model.ts). The subject is folded onto one line before it becomes a header.

export const EMAIL_SUBJECT = "[{{stageLabel}}] {{publicTitle}}";

export const EMAIL_TEXT = `{{stageLabel}}: {{publicTitle}}

What happened
{{#publicSummary}}
{{publicSummary}}
{{/publicSummary}}
{{^publicSummary}}
{{publicTitle}}
{{/publicSummary}}
We became aware of it at {{discoveredAt}}.

{{#isResolved}}
Resolution
{{publicUpdate}}

What we are doing
We are reviewing what happened so that it does not happen again.
{{/isResolved}}
{{^isResolved}}
What we are doing
{{publicUpdate}}
{{/isResolved}}

Reference: {{ticket}}
`;

export const EMAIL_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{stageLabel}}: {{publicTitle}}</title></head>
<body style="font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; line-height: 1.5; color: #1f2328; max-width: 640px;">
<h1 style="font-size: 20px;">{{stageLabel}}: {{publicTitle}}</h1>
<h2 style="font-size: 16px;">What happened</h2>
{{#publicSummary}}
<p>{{publicSummary}}</p>
{{/publicSummary}}
{{^publicSummary}}
<p>{{publicTitle}}</p>
{{/publicSummary}}
<p>We became aware of it at {{discoveredAt}}.</p>
{{#isResolved}}
<h2 style="font-size: 16px;">Resolution</h2>
<p>{{publicUpdate}}</p>
<h2 style="font-size: 16px;">What we are doing</h2>
<p>We are reviewing what happened so that it does not happen again.</p>
{{/isResolved}}
{{^isResolved}}
<h2 style="font-size: 16px;">What we are doing</h2>
<p>{{publicUpdate}}</p>
{{/isResolved}}
<p style="color: #656d76; font-size: 12px;">Reference: {{ticket}}</p>
</body>
</html>
`;
