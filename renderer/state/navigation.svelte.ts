// Which view is shown, kept in the URL hash (#view or #view/param) so reloads and links keep their place.

export class Navigation {
  view = $state('hosts');
  /** The view's own argument, e.g. a host name. */
  param = $state<string | undefined>(undefined);

  constructor() {
    this.#read();
    window.addEventListener('hashchange', this.#read);
  }

  go = (view: string, param?: string): void => {
    window.location.hash = param === undefined ? view : `${view}/${encodeURIComponent(param)}`;
  };

  #read = (): void => {
    const [view, param] = window.location.hash.replace(/^#/, '').split('/', 2);
    this.view = view || 'hosts';
    this.param = param === undefined ? undefined : decodeURIComponent(param);
  };
}
