// Writes docs/errors.md from the error catalogue: npm run docs:errors
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderErrorsDoc } from "../src/errors/doc.js";

const file = fileURLToPath(new URL("../docs/errors.md", import.meta.url));
writeFileSync(file, renderErrorsDoc());
console.log(`wrote ${file}`);
