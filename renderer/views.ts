// The views of the app, in sidebar order: one line per feature.

import type { Component } from 'svelte';
import DeployView from './features/deploy/DeployView.svelte';
import DriftView from './features/drift/DriftView.svelte';
import HistoryView from './features/history/HistoryView.svelte';
import HomeView from './features/home/HomeView.svelte';
import HostsView from './features/hosts/HostsView.svelte';
import KeysView from './features/keys/KeysView.svelte';
import PersistenceView from './features/persistence/PersistenceView.svelte';
import SecretsView from './features/secrets/SecretsView.svelte';
import TerminalsView from './features/terminals/TerminalsView.svelte';

export interface View {
  id: string;
  label: string;
  component: Component;
}

export const views: View[] = [
  { id: 'hosts', label: 'Hosts', component: HostsView },
  { id: 'persistence', label: 'Persistence', component: PersistenceView },
  { id: 'home', label: 'Home', component: HomeView },
  { id: 'secrets', label: 'Secrets', component: SecretsView },
  { id: 'keys', label: 'Keys', component: KeysView },
  { id: 'deploy', label: 'Deploy', component: DeployView },
  { id: 'history', label: 'History', component: HistoryView },
  { id: 'terminals', label: 'Terminals', component: TerminalsView },
  { id: 'drift', label: 'Drift', component: DriftView },
];
