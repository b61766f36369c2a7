// Carries out the commands that menus, shortcuts and the tray send to the window.

import type { AppCommand } from '../../common/model/app-command.ts';
import type { AppContext } from './context.ts';

/** The host the window is about now: the one a host view shows, else the flake's first. */
export function currentHost({ navigation, flake }: Pick<AppContext, 'navigation' | 'flake'>): string | undefined {
  const names = flake.hosts.map((h) => h.name);
  const shown = navigation.param;
  return shown !== undefined && names.includes(shown) ? shown : names[0];
}

export async function runAppCommand(command: AppCommand, context: AppContext): Promise<void> {
  const { api, navigation } = context;
  switch (command.command) {
    case 'navigate':
      navigation.go(command.view, command.param);
      return;
    case 'new-terminal': {
      const terminal = await api.terminal.open({});
      navigation.go('terminals', terminal.id);
      return;
    }
    case 'deploy-current-host':
      navigation.go('deploy', currentHost(context));
      return;
    case 'save-unsaved':
      // Saving failed: the window stays, with the error shown where the work is.
      if (!(await context.unsaved.saveAll())) return;
      if (command.then === 'reload') window.location.reload();
      else window.close();
      return;
  }
}
