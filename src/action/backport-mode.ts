export async function runBackportMode(..._a: unknown[]): Promise<number> {
  return 9;
}
