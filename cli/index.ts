/** The face of cli/: the `isola` command (bin/isola.js calls `main`). */
export { buildProgram, main } from './main';
