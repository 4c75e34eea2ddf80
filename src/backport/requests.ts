// How people ask for a backport on a pull request: a label `backport <branch>` (or
// `backport all-supported`: every backport.targets entry of .firebreak.yml), or a comment line
// `/firebreak backport <branch>`. The Action reads the PR's labels and comments with these; the CLI's
// `backport --pr N` reads the same labels when no --to is given, so both faces ask the same way.
// A name here is anyone's text: the caller checks it with assertSafeRef before git sees it.

export const BACKPORT_LABEL = /^backport\s+(\S+)$/;
export const ALL_SUPPORTED = "all-supported";
const BACKPORT_COMMAND = /^\s*\/firebreak\s+backport\s+(\S+)\s*$/;

/** A configured target, as backport.targets lists it. */
export interface ConfiguredTarget {
  branch: string;
  short?: string;
}

export const isBackportLabel = (label: string): boolean => BACKPORT_LABEL.test(label.trim());

/** The branches one label asks for: none, one, or every configured target for `all-supported`. */
export function targetsOfLabel(label: string, configured: readonly ConfiguredTarget[]): string[] {
  const m = BACKPORT_LABEL.exec(label.trim());
  if (!m) return [];
  return m[1] === ALL_SUPPORTED ? configured.map((t) => t.branch) : [m[1]!];
}

/** The branches a set of labels asks for, each once, in the order asked. */
export function targetsOfLabels(labels: readonly string[], configured: readonly ConfiguredTarget[]): string[] {
  return [...new Set(labels.flatMap((l) => targetsOfLabel(l, configured)))];
}

/** The `/firebreak backport <branch>` lines of a comment, one command a line; other text is ignored. */
export function backportCommands(body: string): string[] {
  return body
    .split(/\r?\n/)
    .map((l) => BACKPORT_COMMAND.exec(l)?.[1])
    .filter((b): b is string => b !== undefined);
}
