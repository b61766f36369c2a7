// Desktop notifications through Electron, for the run notifier's and the keep notifier's ports.

import { Notification } from 'electron';
import type { KeepNotificationPort } from '../notify/keep-notifier.ts';
import type { NotificationPort } from '../notify/run-notifier.ts';

export const desktopNotifications: NotificationPort = {
  show(notification, onClick) {
    if (!Notification.isSupported()) return;
    const shown = new Notification({
      title: notification.title,
      body: notification.body,
      urgency: notification.failed ? 'critical' : 'normal',
    });
    shown.on('click', onClick);
    shown.show();
  },
};

const buttonLabels = { keep: 'Keep', revert: 'Revert' } as const;

export const keepNotifications: KeepNotificationPort = {
  // Electron gives notification buttons on macOS and Windows; on Linux a click brings the window's countdown.
  actions: process.platform === 'darwin' || process.platform === 'win32',
  show(question, onAction, onClick) {
    if (!Notification.isSupported()) return () => {};
    const shown = new Notification({
      title: question.title,
      body: question.body,
      urgency: 'critical',
      // It stays until answered or taken away: the question is open until the machine's own timer ends.
      timeoutType: 'never',
      actions: question.actions.map((answer) => ({ type: 'button', text: buttonLabels[answer] })),
    });
    shown.on('action', (event) => {
      const answer = question.actions[event.actionIndex];
      if (answer) onAction(answer);
    });
    shown.on('click', onClick);
    shown.show();
    return () => shown.close();
  },
};
