// The views of the app, in sidebar order: one line per feature.

import type { Component } from 'svelte';
import HostsView from './features/hosts/HostsView.svelte';
import TerminalsView from './features/terminals/TerminalsView.svelte';

export interface View {
  id: string;
  label: string;
  component: Component;
}

export const views: View[] = [
  { id: 'hosts', label: 'Hosts', component: HostsView },
  { id: 'terminals', label: 'Terminals', component: TerminalsView },
];
