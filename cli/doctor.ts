/** `sspr doctor`: not built yet (next commit). */
import type { ParsedOptions } from './args.js';
import type { Backend } from './backend.js';
import { EXIT } from './errors.js';
import type { CliIo } from './io.js';

export async function doctorCommand(context: {
  io: CliIo;
  options: ParsedOptions;
  openBackend: () => Promise<Backend>;
}): Promise<number> {
  context.io.stderr('sspr: doctor is not built yet\n');
  return EXIT.FAILURE;
}
