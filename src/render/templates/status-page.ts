// The static status page (index.html beside status.json), for any static host. Replace it with
// .firebreak/templates/status-page.html. Names: page (its title), updatedAt, overall,
// overallLabel, operational, and incidents: [{ name, stageLabel, resolved, updates: [{ stageLabel, at, body }] }].

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{page}}</title>
<style>
body { font-family: -apple-system, Segoe UI, Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 720px; padding: 0 1rem; color: #1f2328; }
.banner { padding: 1rem; border-radius: 6px; font-weight: 600; }
.ok { background: #dafbe1; } .down { background: #ffebe9; }
.incident { border-top: 1px solid #d0d7de; margin-top: 1.5rem; padding-top: 1rem; }
.update { margin: .5rem 0; } .when { color: #656d76; font-size: .85rem; }
</style>
</head>
<body>
<h1>{{page}}</h1>
<p class="banner {{#operational}}ok{{/operational}}{{^operational}}down{{/operational}}">{{overallLabel}}</p>
{{#incidents}}
<section class="incident">
<h2>{{name}}{{#resolved}} (resolved){{/resolved}}</h2>
{{#updates}}
<div class="update"><strong>{{stageLabel}}</strong>: {{body}}<div class="when">{{at}}</div></div>
{{/updates}}
</section>
{{/incidents}}
<p class="when">Updated {{updatedAt}}. Machine-readable: <a href="status.json">status.json</a></p>
</body>
</html>
`;
