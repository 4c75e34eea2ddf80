// What the tracker adapters share: the hidden line that finds an earlier attempt.

/** The hidden line that ties an issue or comment to the effect that made it. */
export const keyMarker = (key: string) => `<!-- firebreak:${key.replace(/[^A-Za-z0-9:._/-]/g, "_")} -->`;
