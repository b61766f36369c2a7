// Desktop notifications through Electron, for the run notifier's port.

import { Notification } from 'electron';
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
