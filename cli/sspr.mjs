#!/usr/bin/env node
// The `sspr` bin (package.json): runs the TypeScript admin CLI (cli/main.ts) through tsx's loader, in this process,
// so stdin, stdout, signals and the exit code are the CLI's own. `npx sspr --help` from the repository.
import { register } from 'tsx/esm/api';

// Development runs on Node 20 with SDK versions pinned in the lockfile; the warning is about Lambda runtimes.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { runFromProcess } = await import('./main.ts');
await runFromProcess();
