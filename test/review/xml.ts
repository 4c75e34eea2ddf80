// A strict well-formedness check for the SVG firebreak writes: one root element, every tag closed
// in order, attributes quoted and unique, only the five XML entities or numeric references, no raw
// < or & in text. Returns the problems (empty when well-formed) and the element names seen.

export function checkXml(text: string): { problems: string[]; elements: string[] } {
  const problems: string[] = [];
  const elements: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const entityOk = (s: string) => /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/.test(s);
  const checkText = (t: string, at: number) => {
    for (let k = 0; k < t.length; k++) if (t[k] === "&" && !entityOk(t.slice(k))) problems.push(`bad & at ${at + k}`);
  };
  if (text.startsWith("<?xml")) i = text.indexOf("?>") + 2;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt === -1 ? text.slice(i) : text.slice(i, lt);
    if (stack.length === 0 && chunk.trim() !== "") problems.push(`text outside the root at ${i}`);
    checkText(chunk, i);
    if (lt === -1) break;
    if (text.startsWith("<!--", lt)) {
      const end = text.indexOf("-->", lt);
      if (end === -1) {
        problems.push("unclosed comment");
        break;
      }
      i = end + 3;
      continue;
    }
    const gt = text.indexOf(">", lt);
    if (gt === -1) {
      problems.push(`unclosed tag at ${lt}`);
      break;
    }
    const tag = text.slice(lt + 1, gt);
    if (tag.startsWith("/")) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else {
      const selfClose = tag.endsWith("/");
      const body = selfClose ? tag.slice(0, -1) : tag;
      const m = /^([A-Za-z_][\w.:-]*)([\s\S]*)$/.exec(body);
      if (!m) {
        problems.push(`bad tag <${tag}>`);
        i = gt + 1;
        continue;
      }
      const name = m[1]!;
      const attrs = m[2]!;
      const seen = new Set<string>();
      const rest = attrs.replace(/\s+([A-Za-z_][\w.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/g, (_a, n: string, _q, v1?: string, v2?: string) => {
        if (seen.has(n)) problems.push(`attribute ${n} twice on <${name}>`);
        seen.add(n);
        checkText(v1 ?? v2 ?? "", lt);
        return "";
      });
      if (rest.trim() !== "") problems.push(`bad attributes on <${name}>: ${rest.trim().slice(0, 40)}`);
      if (stack.length === 0) roots++;
      elements.push(name);
      if (!selfClose) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(", ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return { problems, elements };
}
