// firebreak approve --by NAME [--note]: lives with `pr`, which builds the same forge.
export { approve as run } from "./pr.js";
