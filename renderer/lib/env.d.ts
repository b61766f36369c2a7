// window.flakedeck, as preload (or the test transport) exposes it.
import type { FlakedeckBridge } from '../../common/api/contract.ts';

declare global {
  interface Window {
    flakedeck?: FlakedeckBridge;
  }
}

export {};
