// Static check of the Electron configuration: finds settings that would weaken the window or the binary.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { contentSecurityPolicy, contentSecurityPolicyMeta } from '../../main/shell/csp.ts';

export interface Finding {
  file: string;
  line: number;
  problem: string;
}

/** webPreferences that must be stated, with the only value accepted. */
const requiredPreferences: Record<string, boolean> = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
};

/** webPreferences that may be absent, but never set to the unsafe value. */
const forbiddenPreferences: Record<string, boolean> = {
  nodeIntegrationInWorker: true,
  nodeIntegrationInSubFrames: true,
  webSecurity: false,
  allowRunningInsecureContent: true,
  webviewTag: true,
  experimentalFeatures: true,
  enableBlinkFeatures: true,
};

function literalValue(node: ts.Expression): boolean | string | undefined {
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isStringLiteralLike(node)) return node.text;
  return undefined;
}

function propertyName(p: ts.ObjectLiteralElementLike): string | undefined {
  return p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
}

function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** Checks the TypeScript sources of the main process. */
export function checkMainSource(file: string, text: string): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: Finding[] = [];
  const report = (node: ts.Node, problem: string) =>
    findings.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, problem });

  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && propertyName(node) === 'webPreferences') {
      if (!ts.isObjectLiteralExpression(node.initializer)) {
        report(node, 'webPreferences must be an object literal so it can be checked');
      } else {
        const props = new Map(
          node.initializer.properties
            .filter(ts.isPropertyAssignment)
            .map((p) => [propertyName(p), literalValue(p.initializer)] as const),
        );
        for (const [key, value] of Object.entries(requiredPreferences)) {
          if (props.get(key) !== value) report(node, `webPreferences.${key} must be ${value}`);
        }
        for (const [key, value] of Object.entries(forbiddenPreferences)) {
          if (props.has(key) && props.get(key) === value) report(node, `webPreferences.${key} must not be ${value}`);
        }
      }
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (method === 'openExternal') {
        // Every call must sit in a function that checks the URL against the allowlist first.
        const fn = enclosingFunction(node);
        if (!fn || !/isAllowedExternalUrl\s*\(/.test(fn.getText(source))) {
          report(node, 'shell.openExternal is called without checking isAllowedExternalUrl first');
        }
      }
      if (method === 'setWindowOpenHandler') {
        const handler = node.arguments[0];
        if (
          !handler ||
          !/action:\s*'deny'/.test(handler.getText(source)) ||
          /action:\s*'allow'/.test(handler.getText(source))
        ) {
          report(node, "setWindowOpenHandler must deny new windows ({ action: 'deny' })");
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

/** Checks a Content Security Policy string: only own scripts, nothing by default. */
export function checkCsp(where: string, csp: string | undefined): Finding[] {
  if (!csp) return [{ file: where, line: 0, problem: 'no Content-Security-Policy' }];
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  const problems: string[] = [];
  if (directives.get('default-src')?.join(' ') !== "'none'") problems.push("default-src must be 'none'");
  const scripts = directives.get('script-src');
  if (!scripts) problems.push('script-src is missing');
  else if (scripts.some((v) => v !== "'self'"))
    problems.push(`script-src allows more than 'self': ${scripts.join(' ')}`);
  if (!directives.has('object-src') && directives.get('default-src')?.join(' ') !== "'none'") {
    problems.push('object-src is missing');
  }
  return problems.map((problem) => ({ file: where, line: 0, problem }));
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(entry) && !entry.endsWith('.test.ts') ? [path] : [];
  });
}

/** The whole gate over the repository: main process sources, the renderer's CSP, the hardening hooks, the fuses. */
export function checkRepository(root: string): Finding[] {
  const findings: Finding[] = [];
  const mainFiles = filesUnder(join(root, 'main'), /\.ts$/);
  const mainText = new Map(mainFiles.map((f) => [relative(root, f), readFileSync(f, 'utf8')]));
  for (const [file, text] of mainText) findings.push(...checkMainSource(file, text));

  const all = [...mainText.values()].join('\n');
  const required: [RegExp, string][] = [
    [/\.on\('will-navigate'[\s\S]*?preventDefault\(\)/, "no 'will-navigate' handler that prevents navigation"],
    [/setWindowOpenHandler\(/, 'no setWindowOpenHandler: window.open would create windows'],
    [/setPermissionRequestHandler\(/, 'no permission request handler: permission prompts would be granted'],
    [/will-attach-webview/, "no 'will-attach-webview' guard"],
    [/requestSingleInstanceLock\(\)/, 'no single-instance lock'],
  ];
  for (const [pattern, problem] of required) {
    if (!pattern.test(all)) findings.push({ file: 'main/', line: 0, problem });
  }

  // One policy: main/shell/csp.ts, sent as a header and written into the page by the renderer build.
  findings.push(...checkCsp('main/shell/csp.ts', contentSecurityPolicy));
  findings.push(...checkCsp('main/shell/csp.ts (as a meta tag)', contentSecurityPolicyMeta));
  const html = readFileSync(join(root, 'renderer', 'index.html'), 'utf8');
  if (!html.includes('<!-- Content-Security-Policy -->')) {
    findings.push({
      file: 'renderer/index.html',
      line: 0,
      problem: 'no placeholder for the build to write the CSP into',
    });
  }
  if (/http-equiv="Content-Security-Policy"/i.test(html)) {
    findings.push({
      file: 'renderer/index.html',
      line: 0,
      problem: 'a second Content-Security-Policy, written by hand',
    });
  }

  const forge = readFileSync(join(root, 'forge.config.ts'), 'utf8');
  const fuses: [string, boolean][] = [
    ['RunAsNode', false],
    ['EnableNodeOptionsEnvironmentVariable', false],
    ['EnableNodeCliInspectArguments', false],
    ['OnlyLoadAppFromAsar', true],
    ['EnableCookieEncryption', true],
  ];
  for (const [fuse, value] of fuses) {
    if (!new RegExp(`\\[FuseV1Options\\.${fuse}\\]:\\s*${value}`).test(forge)) {
      findings.push({ file: 'forge.config.ts', line: 0, problem: `fuse ${fuse} must be ${value}` });
    }
  }
  return findings;
}
