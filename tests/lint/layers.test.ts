// The layering rules of eslint.config.js, as `npm run lint` applies them: a probe import in each wrong direction
// fails, and the same imports in an allowed direction pass.

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixture-flake.ts';

const eslint = new ESLint({ cwd: repoRoot });

/** The boundary errors lint reports for a module at `file` holding `code`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${file}` });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

describe('layering lint', () => {
  it.each([
    ['main/deploy/probe.ts', "import { contentSecurityPolicy } from '../shell/csp.ts';", /Services are plain Node/],
    ['main/secrets/stores/probe.ts', "import '../../shell/tray.ts';", /no Electron glue \(main\/shell\)/],
    ['main/flake/probe.ts', "import { Router } from '../api/router.ts';", /no API layer above them/],
    ['main/services.ts', "import { createHandlers } from './api/handlers/index.ts';", /no API layer above them/],
    ['main/deploy/probe.ts', "import { app } from 'electron';", /Services are plain Node/],
    ['main/cli/probe.ts', "import { app } from 'electron';", /The CLI runs under plain Node/],
    ['main/cli.ts', "import { askToQuit } from './shell/dialogs.ts';", /The CLI runs under plain Node/],
    ['main/api/probe.ts', "import { BrowserWindow } from 'electron';", /main\/api\//],
    [
      'renderer/probe.ts',
      "import { createServices } from '../main/services.ts';",
      /renderer\/ runs in a sandboxed page/,
    ],
    ['renderer/features/deploy/probe.ts', "import '../../../main/events/event-hub.ts';", /sandboxed page/],
    ['preload/probe.ts', "import { contract } from '../common/api/contract.ts';", /channel list/],
    ['preload/probe.ts', "import { z } from 'zod';", /channel list/],
    ['common/probe.ts', "import { readFileSync } from 'node:fs';", /common\/ is shared/],
  ])('refuses %s importing across a layer: %s', async (file, code, message) => {
    const errors = await boundaryErrors(file, `${code}\n`);
    expect(errors, `${file}: ${code}`).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['main/deploy/probe.ts', "import { EventHub } from '../events/event-hub.ts';"],
    ['main/deploy/probe.ts', "import { ApiError } from '../../common/api/errors.ts';"],
    ['main/shell/probe.ts', "import { app } from 'electron';"],
    ['main/index.ts', "import { Router } from './api/router.ts';"],
    ['main/api/handlers/probe.ts', "import type { Services } from '../../services.ts';"],
    ['main/cli/probe.ts', "import { createServices } from '../services.ts';"],
    ['renderer/probe.ts', "import type { LiveRun } from '../common/model/runs.ts';"],
    ['preload/probe.ts', "import { buildBridge } from '../common/api/build-bridge.ts';"],
  ])('lets %s import %s', async (file, code) => {
    expect(await boundaryErrors(file, `${code}\n`)).toEqual([]);
  });
});
