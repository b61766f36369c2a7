// The router refuses unknown channels, foreign senders and bad arguments, and carries errors; the bridge and events.

import { describe, expect, it } from 'vitest';
import { buildBridge } from '../../common/api/build-bridge.ts';
import type { Handlers } from './router.ts';
import { Router } from './router.ts';
import { originCheck } from './sender-check.ts';
import { EventHub } from './event-hub.ts';
import { ApiError } from '../../common/api/errors.ts';

const appOrigin = 'app://flakedeck';
const trusted = { url: `${appOrigin}/index.html` };

/** Only the channels these tests call; the others are never reached. */
function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'app.info': () => ({ name: 'Flakedeck', version: '0.0.0', nixVersion: null, platform: 'linux' }),
    'flake.current': () => ({ path: '/flake', source: 'default' }),
    'flake.open': ({ path }) => ({ path, source: 'opened' }),
    'hosts.list': () => ({ flake: '/flake', hosts: [{ name: 'desktop' }] }),
    ...overrides,
  } as Handlers;
}

const router = (h = handlers()) => new Router(h, { isTrustedSender: originCheck([appOrigin]) });

describe('Router', () => {
  it('passes a valid call through to its service', async () => {
    expect(await router().call('hosts.list', {}, trusted)).toEqual({
      ok: true,
      value: { flake: '/flake', hosts: [{ name: 'desktop' }] },
    });
    expect(await router().call('flake.open', { path: '/srv/flake' }, trusted)).toEqual({
      ok: true,
      value: { path: '/srv/flake', source: 'opened' },
    });
  });

  it('refuses an unknown channel by name', async () => {
    const result = await router().call('shell.exec', { cmd: 'rm -rf /' }, trusted);
    expect(result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: '"shell.exec" is not a Flakedeck API channel.' },
    });
  });

  it('refuses a sender from another origin before looking at the arguments', async () => {
    let called = false;
    const r = router(handlers({ 'hosts.list': () => ((called = true), { flake: '', hosts: [] }) }));
    for (const url of ['https://evil.example/page', 'app://other/index.html', 'file:///tmp/x.html', 'not a url', '']) {
      const result = await r.call('hosts.list', {}, { url });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('FORBIDDEN_SENDER');
        expect(result.error.message).toMatch(/not from Flakedeck's own window/);
      }
    }
    expect(called).toBe(false);
  });

  it('refuses invalid arguments with the field and the reason', async () => {
    const wrongType = await router().call('flake.open', { path: 42 }, trusted);
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });
    if (!wrongType.ok) expect(wrongType.error.message).toMatch(/^Invalid arguments for flake\.open: path: .*string/);

    const extra = await router().call('hosts.list', { evil: true }, trusted);
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENTS' } });

    const empty = await router().call('flake.open', { path: '' }, trusted);
    expect(empty).toMatchObject({ ok: false, error: { message: expect.stringContaining('path: a path is required') } });
  });

  it('carries a service ApiError to the caller with its fields', async () => {
    const error = new ApiError({
      code: 'NIX_EVAL_ERROR',
      message: 'undefined variable',
      location: { file: '/f/flake.nix', line: 3, column: 5 },
    });
    const r = router(handlers({ 'hosts.list': () => Promise.reject(error) }));
    expect(await r.call('hosts.list', {}, trusted)).toEqual({ ok: false, error: error.toData() });
  });

  it('turns an unexpected exception into an INTERNAL error and reports it', async () => {
    const reported: string[] = [];
    const r = new Router(handlers({ 'hosts.list': () => Promise.reject(new RangeError('boom')) }), {
      isTrustedSender: () => true,
      onInternalError: (channel) => reported.push(channel),
    });
    expect(await r.call('hosts.list', {}, trusted)).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'Flakedeck failed unexpectedly: boom' },
    });
    expect(reported).toEqual(['hosts.list']);
  });
});

describe('bridge and events', () => {
  it('exposes exactly the table, calls through the router, and delivers events until unsubscribed', async () => {
    const hub = new EventHub();
    const r = router();
    const bridge = buildBridge({
      invoke: (channel, params) => r.call(channel, params, trusted),
      subscribe: (channel, listener) => hub.connect((c, payload) => c === channel && listener(payload)),
    });
    expect(await bridge.hosts.list()).toMatchObject({ ok: true });
    expect((bridge as unknown as Record<string, unknown>).shell).toBeUndefined();
    expect(() => bridge.events.on('terminal.nope' as never, () => {})).toThrow(/not a Flakedeck event channel/);

    const seen: string[] = [];
    const off = bridge.events.on('flake.changed', (state) => seen.push(state.path));
    hub.emit('flake.changed', { path: '/a', source: 'opened' });
    off();
    hub.emit('flake.changed', { path: '/b', source: 'opened' });
    expect(seen).toEqual(['/a']);
  });
});
