// Entry point. `firebreak status` is what people (and agents) run over and over, so it gets a
// path that loads neither commander nor Kysely; everything else, and any status call the fast
// path is not sure about, goes to the full program.

const argv = process.argv.slice(2);

// `firebreak log | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    // After SIGHUP the terminal is gone: the run still unwinds and records (app/signals.ts).
    if (e.code === "EIO") return;
    throw e;
  });
}

async function main(): Promise<void> {
  if (argv[0] === "status" || (argv.includes("status") && argv.indexOf("status") <= 2)) {
    const { fastStatus } = await import("./fast-status.js");
    if (await fastStatus(argv)) return;
  }
  await import("./program.js");
}

void main();
