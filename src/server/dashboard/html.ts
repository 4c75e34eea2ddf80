// The dashboard's HTML: a tagged template that escapes every interpolated value unless it is
// already markup (Raw), so a title, a note or a metric name can never become markup. Synchronous
// string building keeps a page of a thousand rows fast.

export class Raw {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (ch) => ESC[ch]!);

type Value = Raw | string | number | boolean | null | undefined | readonly Value[];

const part = (v: Value): string => {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Raw) return v.s;
  if (Array.isArray(v)) return v.map(part).join("");
  return esc(v);
};

/** html`<p>${text}</p>`: escapes each value; arrays are joined; Raw passes through. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return new Raw(out);
}

/** Markup made elsewhere and escaped there (the review's SVG charts). */
export const raw = (s: string): Raw => new Raw(s);

export interface PageOpts {
  title: string;
  /** The signed-in token's name and role, shown in the header with the sign-out button. */
  who?: { name: string; role: string; csrf: string };
  /** The fragment URL the live script refreshes when an event arrives (none: not live). */
  live?: { fragment: string; incident?: string };
  body: Raw;
}

export function page(o: PageOpts): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${o.title} · Firebreak</title><link rel="stylesheet" href="/ui/assets/dashboard.css"><script src="/ui/assets/dashboard.js" defer></script></head><body${o.live ? html` data-live="${o.live.fragment}"${o.live.incident ? html` data-incident="${o.live.incident}"` : ""}` : ""}><a class="skip" href="#main">Skip to content</a><header class="top"><a class="brand" href="/ui">Firebreak</a>${
    o.who
      ? html`<nav aria-label="Main"><a href="/ui">Incidents</a> <a href="/ui/log">Incident log</a></nav><form method="post" action="/ui/signout" class="who"><span>${o.who.name} (${o.who.role})</span><input type="hidden" name="csrf" value="${o.who.csrf}"><button type="submit">Sign out</button></form>`
      : ""
  }</header><main id="main" tabindex="-1">${o.body}</main><p class="live-status" role="status" aria-live="polite" id="live-status"></p></body></html>`}`;
}
