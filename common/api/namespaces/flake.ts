// API of the opened flake: which one, and opening another.

import { z } from 'zod';
import { event, method, noParams, pathString } from '../define.ts';
import type { FlakeState, HostList } from '../../model/flake.ts';

export const flakeMethods = {
  'flake.current': method<FlakeState>()(noParams),
  'flake.open': method<FlakeState>()(z.strictObject({ path: pathString })),
  'hosts.list': method<HostList>()(noParams),
};

export const flakeEvents = {
  'flake.changed': event<FlakeState>(),
};
