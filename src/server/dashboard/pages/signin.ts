// Sign-in with a token, and the page a viewer gets for an incident it may not see (where it may
// ask for access).

import { html, type Raw } from "../html.js";

export function signInBody(error?: string): Raw {
  return html`<h1>Sign in</h1>${error ? html`<div class="alert alert-error" role="alert"><p>${error}</p><p>Next: ask an admin for a token: <code>firebreak token create --name &lt;you&gt; --role viewer</code></p></div>` : ""}<form method="post" action="/ui/signin" class="action"><label for="token">Token</label><input id="token" name="token" type="password" autocomplete="current-password" required><button type="submit">Sign in</button></form><p class="muted">The token is exchanged for a session cookie and is not kept by the browser.</p>`;
}

export function notVisibleBody(ref: string, csrf: string): Raw {
  return html`<h1>No incident to show</h1><p>There is no incident <code>${ref}</code> that you may see. A private incident is shown to its members only.</p><form method="post" action="/ui/access-requests" class="action"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="incident" value="${ref}"><label for="access-reason">Ask a commander for access: why you need it</label><textarea id="access-reason" name="reason" rows="2" maxlength="1000" required></textarea><button type="submit">Request access</button></form><p><a href="/ui">Back to the incidents</a></p>`;
}
