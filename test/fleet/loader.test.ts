/**
 * Loading the declarations folder: each file in a thread of its own with a time limit, one clear
 * problem per file that hangs, exits, throws, leaves something running or rejects a promise;
 * declarations as plain data (Exposure values made again by synth's own factories); the platform
 * loaded first and frozen; every entry of the folder a declaration, the platform, documentation
 * or refused.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Exposure, Platform } from '../../src';
import { ExposureMode } from '../../src/exposure/exposure-mode';
import { buildFleet } from '../../src/fleet/fleet';
import { LOAD_TIMEOUT_ENV, loadFleet } from '../../src/fleet/loader';
import { declaration, fleetDir, problemLines, removeFleetDirs } from './fleet-dir';

afterAll(removeFleetDirs);

const LOADS = 'a module that only declares: nothing left running or pending once it has loaded';

describe('a declaration that does more than declare is one problem naming the file', () => {
  test('exit, throw, timer, interval, other handles, unhandled rejection, late throw: the files after each still load', () => {
    const dir = fleetDir({
      'a-exit0.ts': 'process.exit(0);\nexport default {};\n',
      'b-exit1.ts': "import { defineVCluster } from '../src';\nprocess.exit(1);\nexport default defineVCluster({ name: 'b-exit1' });\n",
      'c-throws.ts': "throw new Error('boom');\n",
      'd-timer.ts': declaration("name: 'd-timer'", 'setTimeout(() => undefined, 60_000);'),
      'e-interval.ts': declaration("name: 'e-interval'", 'setInterval(() => undefined, 1000);'),
      'f-server.ts': declaration("name: 'f-server'", "require('net').createServer().listen(0);"),
      'g-rejects.ts': declaration("name: 'g-rejects'", "Promise.reject(new Error('later'));"),
      'h-late-throw.ts': declaration("name: 'h-late-throw'", "setImmediate(() => { throw new Error('after'); });"),
      'z-good.ts': declaration("name: 'z-good', exposure: Exposure.internal()"),
    });
    const lines = problemLines(() => loadFleet(dir, 'vclusters'));
    expect(lines).toEqual([
      '  - vclusters/a-exit0.ts: (file): "process.exit(0) while loading" is not allowed. Allowed: a module that only declares: it never ends synth. Fix: remove the process.exit call',
      '  - vclusters/b-exit1.ts: (file): "process.exit(1) while loading" is not allowed. Allowed: a module that only declares: it never ends synth. Fix: remove the process.exit call',
      '  - vclusters/c-throws.ts: (file): "boom" is not allowed. Allowed: a TypeScript module that loads without throwing. Fix: fix the code that throws while the file is loaded',
      `  - vclusters/d-timer.ts: (file): "left a timer (setTimeout or setInterval) running after it loaded" is not allowed. Allowed: ${LOADS}. Fix: remove the timer, interval, socket or watcher the file starts (declarations are data)`,
      `  - vclusters/e-interval.ts: (file): "left a timer (setTimeout or setInterval) running after it loaded" is not allowed. Allowed: ${LOADS}. Fix: remove the timer, interval, socket or watcher the file starts (declarations are data)`,
      `  - vclusters/f-server.ts: (file): "left a TCP server running after it loaded" is not allowed. Allowed: ${LOADS}. Fix: remove the timer, interval, socket or watcher the file starts (declarations are data)`,
      `  - vclusters/g-rejects.ts: (file): "a promise nobody handled rejected: later" is not allowed. Allowed: ${LOADS}. Fix: remove the promise (declarations are synchronous) or handle its rejection`,
      `  - vclusters/h-late-throw.ts: (file): "threw after it had loaded: after" is not allowed. Allowed: ${LOADS}. Fix: remove the code that runs after the file has loaded (timers, callbacks)`,
    ]);
  });

  test('an endless loop is stopped at the time limit; after three such files the rest is not loaded', () => {
    const loop = 'while (Date.now() > 0) { /* forever */ }\nexport default {};\n';
    const dir = fleetDir({ 'a.ts': loop, 'b.ts': loop, 'c.ts': loop, 'd.ts': declaration("name: 'd'") });
    expect(problemLines(() => loadFleet(dir, 'vclusters', { timeoutSeconds: 2 }))).toEqual([
      ...['a', 'b', 'c'].map(
        (f) =>
          `  - vclusters/${f}.ts: (file): "still loading after 2 s" is not allowed. Allowed: a module that loads within 2 s (${LOAD_TIMEOUT_ENV} or --load-timeout). Fix: remove the endless loop or the blocking call at the top level of the file`,
      ),
      '  - vclusters/d.ts: (file): "not loaded" is not allowed. Allowed: files loaded after 3 files that hang. Fix: fix the files that hang first',
    ]);
  });

  test('a fault that surfaces after files loaded together settle is blamed on its own file', () => {
    const dir = fleetDir({
      'a.ts': declaration("name: 'a'"),
      'b.ts': declaration("name: 'b'", "Promise.resolve().then(() => { throw new Error('in a callback'); });"),
      'c.ts': declaration("name: 'c'"),
      'd.ts': declaration("name: 'd'", 'queueMicrotask(() => { while (Date.now() > 0) { /* forever */ } });'),
      'e.ts': "const spec = { name: 'e-before' };\nPromise.resolve().then(() => { spec.name = 'e'; });\nexport default spec;\n",
    });
    expect(problemLines(() => loadFleet(dir, 'vclusters', { timeoutSeconds: 2 }))).toEqual([
      `  - vclusters/b.ts: (file): "a promise nobody handled rejected: in a callback" is not allowed. Allowed: ${LOADS}. Fix: remove the promise (declarations are synchronous) or handle its rejection`,
      `  - vclusters/d.ts: (file): "still loading after 2 s" is not allowed. Allowed: a module that loads within 2 s (${LOAD_TIMEOUT_ENV} or --load-timeout). Fix: remove the endless loop or the blocking call at the top level of the file`,
    ]);
    // what a file's own promises change before they settle is part of its declaration
    const ok = fleetDir({
      'e.ts': "const spec = { name: 'e-before' };\nPromise.resolve().then(() => { spec.name = 'e'; });\nexport default spec;\n",
    });
    expect(loadFleet(ok, 'vclusters').declarations.map((d) => d.spec.name)).toEqual(['e']);
  });

  test('the time limit comes from the option, else the environment variable; anything but a positive number is refused', () => {
    const dir = fleetDir({ 'a.ts': 'while (Date.now() > 0) { /* forever */ }\nexport default {};\n' });
    const before = process.env[LOAD_TIMEOUT_ENV];
    try {
      process.env[LOAD_TIMEOUT_ENV] = '0.4';
      expect(problemLines(() => loadFleet(dir, 'vclusters'))[0]).toContain('"still loading after 0.4 s"');
      process.env[LOAD_TIMEOUT_ENV] = 'ten';
      expect(() => loadFleet(dir, 'vclusters')).toThrow(
        `${LOAD_TIMEOUT_ENV}: "ten" is not allowed. Allowed: a number of seconds greater than 0 (the time limit for loading one file).`,
      );
    } finally {
      if (before === undefined) delete process.env[LOAD_TIMEOUT_ENV];
      else process.env[LOAD_TIMEOUT_ENV] = before;
    }
    expect(() => loadFleet(dir, 'vclusters', { timeoutSeconds: 0 })).toThrow('load timeout: 0 is not allowed.');
    expect(() => loadFleet(dir, 'vclusters', { timeoutSeconds: NaN })).toThrow('load timeout: NaN is not allowed.');
  });
});

describe('the platform file', () => {
  const platformWith = (line: string) =>
    fs
      .readFileSync(path.join(__dirname, '..', 'fixtures', 'integratn', 'platform.ts'), 'utf8')
      .replace(
        "import { PlatformConfig, definePlatform } from '../../../src';",
        `import { PlatformConfig, definePlatform } from '../src';\n${line}`,
      );

  test.each([
    ['an endless loop', 'while (Date.now() > 0) { /* forever */ }', '"still loading after 2 s" is not allowed.'],
    ['process.exit', 'process.exit(0);', '"process.exit(0) while loading" is not allowed.'],
    [
      'a timer',
      'setInterval(() => undefined, 1000);',
      '"left a timer (setTimeout or setInterval) running after it loaded" is not allowed.',
    ],
  ])('%s in platform.ts is blamed on platform.ts; the declarations still load', (_what, line, expected) => {
    const dir = fleetDir({ 'platform.ts': platformWith(line), 'a.ts': declaration("name: 'a'"), 'b.ts': 'export default 1;\n' });
    const lines = problemLines(() => loadFleet(dir, 'vclusters', { timeoutSeconds: 2 }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`vclusters/platform.ts: (file): ${expected}`);
    expect(lines[1]).toContain('vclusters/b.ts: export default: 1 is not allowed.');
  });

  test('is frozen before any declaration loads: a declaration cannot redirect the Applications', () => {
    const dir = fleetDir({
      // each file is named after the outcome its name reports (another name would be refused as misnamed)
      'frozen.ts': declaration(
        "name: Reflect.set(platform.argocd.hostClusters, 'in-cluster', 'https://evil.example.com') ? 'changed' : 'frozen'",
        "import platform from './platform';",
      ),
      'unchanged.ts': declaration(
        "name: platform.argocd.hostClusters['in-cluster'] === 'https://kubernetes.default.svc' ? 'unchanged' : 'changed'",
        "import platform from './platform';",
      ),
    });
    const { platform, declarations } = loadFleet(dir, 'vclusters');
    expect(declarations.map((d) => d.spec.name)).toEqual(['frozen', 'unchanged']);
    const servers = buildFleet(platform, declarations).map((b) => b.resolved.destinationServer);
    expect(servers).toEqual(['https://kubernetes.default.svc', 'https://kubernetes.default.svc']);
  });

  test('what synth gets is frozen, and untouched by declarations that import it', () => {
    const dir = fleetDir({
      'a.ts': declaration(
        "name: 'a'",
        "import platform from './platform';\ntry { (platform as any).baseDomain = 'evil.example.com'; } catch { /* frozen */ }",
      ),
    });
    const { platform, declarations } = loadFleet(dir, 'vclusters');
    expect(platform.baseDomain).toBe('integratn.tech');
    expect(Object.isFrozen(platform)).toBe(true);
    expect(Object.isFrozen(platform.argocd.hostClusters)).toBe(true);
    expect(() => {
      (platform as { -readonly [K in keyof Platform]: Platform[K] }).baseDomain = 'x';
    }).toThrow(TypeError);
    expect(declarations.map((d) => d.spec.name)).toEqual(['a']);
  });
});

describe('declarations come back as plain data', () => {
  test('Exposure values are made again by synth’s own factories, with the arguments given', () => {
    const dir = fleetDir({
      'a.ts': declaration("name: 'a', exposure: Exposure.loadBalancer({ hostname: 'a.integratn.tech', apiPort: 6443, vip: '10.0.4.210' })"),
      'b.ts': declaration(
        "name: 'b', exposure: Exposure.gateway({ hostname: 'b.integratn.tech', gatewayName: 'gw', gatewayNamespace: 'gw-ns' })",
      ),
      'c.ts': declaration("name: 'c', exposure: Exposure.internal()"),
      // tampering with the value after it was made has no effect
      'd.ts': declaration(
        "name: 'd', exposure: e",
        "const e: any = Exposure.internal();\ne.mode = 'loadBalancer';\ne.props = { vip: '6.6.6.6' };",
      ),
    });
    const { platform, declarations } = loadFleet(dir, 'vclusters');
    const exposures = declarations.map((d) => d.spec.exposure);
    for (const e of exposures) expect(e).toBeInstanceOf(ExposureMode);
    expect(exposures).toEqual([
      Exposure.loadBalancer({ hostname: 'a.integratn.tech', apiPort: 6443, vip: '10.0.4.210' }),
      Exposure.gateway({ hostname: 'b.integratn.tech', gatewayName: 'gw', gatewayNamespace: 'gw-ns' }),
      Exposure.internal(),
      Exposure.internal(),
    ]);
    const built = buildFleet(platform, declarations);
    expect(built.map((b) => [b.resolved.endpoint.mode, b.resolved.endpoint.vip])).toEqual([
      ['loadBalancer', '10.0.4.210'],
      ['gateway', undefined],
      ['internal', undefined],
      ['internal', undefined],
    ]);
  });

  test('declarations importing the package by name (as in a project that installed it) get the library that loads them', () => {
    const dir = fleetDir({
      'a.ts':
        "import { Exposure, defineVCluster } from 'vcluster-fleet';\nexport default defineVCluster({ name: 'a', exposure: Exposure.loadBalancer({ hostname: 'a.integratn.tech' }) });\n",
      'b.ts': declaration("name: 'b', exposure: Exposure.internal()"),
    });
    const { declarations } = loadFleet(dir, 'vclusters');
    expect(declarations.map((d) => [d.file, d.spec.exposure])).toEqual([
      ['vclusters/a.ts', Exposure.loadBalancer({ hostname: 'a.integratn.tech' })],
      ['vclusters/b.ts', Exposure.internal()],
    ]);
    expect(declarations[0].spec.exposure).toBeInstanceOf(ExposureMode);
  });

  test('one declaration cannot change the factories for the next one', () => {
    const dir = fleetDir({
      // named after the outcome its name reports (another name would be refused as misnamed)
      'a-frozen.ts': declaration(
        "name: Reflect.set(Exposure, 'internal', () => Exposure.loadBalancer({ vip: '6.6.6.6' })) ? 'a-changed' : 'a-frozen'",
      ),
      'b.ts': declaration("name: 'b', exposure: Exposure.internal()"),
    });
    const { declarations } = loadFleet(dir, 'vclusters');
    expect(declarations.map((d) => [d.spec.name, d.spec.exposure])).toEqual([
      ['a-frozen', undefined],
      ['b', Exposure.internal()],
    ]);
  });

  test('functions, class instances, symbols, getters, proxies, bigints and cycles are refused with their field path', () => {
    const dir = fleetDir({
      'a.ts': declaration(
        "name: 'a', helmValues: { f: () => 1, when: new Date(0), set: new Set([1]), s: Symbol('x'), [Symbol('k')]: 1, get g() { return 1; }, p: new Proxy({}, {}), n: 10n, 'odd key': [1, { deep: Math.max }] } as any",
      ),
      'b.ts': "const b: any = { name: 'b', coredns: {} };\nb.coredns.self = b;\nexport default b;\n",
      'c.ts': "export default () => ({ name: 'c' });\n",
    });
    const allowed =
      'Allowed: plain data (strings, numbers, booleans, null, arrays and objects) or an Exposure.internal()/loadBalancer()/gateway() value; this is';
    expect(problemLines(() => loadFleet(dir, 'vclusters'))).toEqual([
      `  - vclusters/a.ts: helmValues["[Symbol(k)]"]: 1 is not allowed. ${allowed} a symbol key. Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.f: [function f] is not allowed. ${allowed} a function (functions are never called). Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.when: "1970-01-01T00:00:00.000Z" is not allowed. ${allowed} an instance of Date. Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.set: {} is not allowed. ${allowed} an instance of Set. Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.s: "Symbol(x)" is not allowed. ${allowed} a symbol. Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.g: [function get g] is not allowed. ${allowed} a getter or setter (never called). Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.p: "[Proxy]" is not allowed. ${allowed} a Proxy. Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues.n: 10 is not allowed. ${allowed} a bigint (write a number). Fix: write the value itself`,
      `  - vclusters/a.ts: helmValues["odd key"][1].deep: [function max] is not allowed. ${allowed} a function (functions are never called). Fix: write the value itself`,
      `  - vclusters/b.ts: coredns.self: "[reference to the declaration]" is not allowed. ${allowed} a cycle (the value contains itself). Fix: write the value itself`,
      '  - vclusters/c.ts: export default: [function default] is not allowed. Allowed: export default defineVCluster({ name: ..., ... }). Fix: call defineVCluster({...}) instead of exporting a function',
    ]);
  });

  test('undefined fields, NaN and a key named __proto__ arrive as written (validation judges them)', () => {
    const dir = fleetDir({
      'a.ts': declaration('name: \'a\', replicas: NaN, hostCluster: undefined, helmValues: JSON.parse(\'{"__proto__": {"x": 1}}\')'),
    });
    const [d] = loadFleet(dir, 'vclusters').declarations;
    expect(Number.isNaN(d.spec.replicas)).toBe(true);
    expect(Object.keys(d.spec)).toEqual(['name', 'replicas', 'hostCluster', 'helmValues']);
    expect(Object.keys(d.spec.helmValues!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(d.spec.helmValues)).toBe(Object.prototype);
  });
});

describe('every entry of the folder is a declaration, the platform, documentation or refused', () => {
  test('.d.ts files, hidden files, folders and links are refused with a fix; *.md is fine', () => {
    const dir = fleetDir({
      'a.ts': declaration("name: 'a'"),
      'x.d.ts': 'export {};\n',
      '.hidden.ts': declaration("name: 'hidden'"),
      'NOTES.md': '# ok\n',
    });
    fs.mkdirSync(path.join(dir, 'team'));
    fs.mkdirSync(path.join(dir, '.cache'));
    fs.symlinkSync(path.join(dir, 'a.ts'), path.join(dir, 'link.ts'));
    const allowed = 'Allowed: only vcluster declarations (<name>.ts), platform.ts and *.md files in this folder.';
    expect(problemLines(() => loadFleet(dir, 'vclusters'))).toEqual([
      `  - vclusters/.cache/: (file): ".cache/" is not allowed. ${allowed} Fix: a hidden folder is not read: move it out of the folder`,
      `  - vclusters/.hidden.ts: (file): ".hidden.ts" is not allowed. ${allowed} Fix: a hidden file is never loaded: delete it, or rename it to <name>.ts if it declares a vcluster, otherwise move it out of the folder`,
      `  - vclusters/link.ts: (file): "link.ts" is not allowed. ${allowed} Fix: a symbolic link is not loaded: put the file itself here`,
      `  - vclusters/team/: (file): "team/" is not allowed. ${allowed} Fix: declarations are files directly in this folder: move its files up (one <name>.ts per vcluster) or move it out`,
      `  - vclusters/x.d.ts: (file): "x.d.ts" is not allowed. ${allowed} Fix: a type declaration file (.d.ts) declares no vcluster: move it out of the folder`,
    ]);
  });

  test('a hidden declaration is never loaded', () => {
    const marker = path.join(fleetDir({}), '..', 'ran');
    const dir = fleetDir({ '.hidden.ts': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nexport default {};\n` });
    expect(problemLines(() => loadFleet(dir, 'vclusters'))).toHaveLength(1);
    expect(fs.existsSync(marker)).toBe(false);
  });

  test('a folder without platform.ts is refused, and its declarations are still checked', () => {
    const dir = fleetDir({ 'platform.ts': null, 'a.ts': 'export default 1;\n' });
    expect(problemLines(() => loadFleet(dir, 'vclusters'))).toEqual([
      '  - vclusters/platform.ts: (file): "missing: declare the site configuration in vclusters/platform.ts" is not allowed. Allowed: a TypeScript module that loads without throwing. Fix: fix the code that throws while the file is loaded',
      '  - vclusters/a.ts: export default: 1 is not allowed. Allowed: export default defineVCluster({ name: ..., ... }). Fix: default-export one declaration object',
    ]);
  });
});
