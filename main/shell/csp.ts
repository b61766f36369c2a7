// The renderer's Content Security Policy: only its own scripts; inline styles for xterm's DOM renderer. The one
// source: the app sends it as a header, and the renderer build writes it into index.html as a meta tag.

export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The policy as a page's meta tag holds it: browsers ignore frame-ancestors there (the header carries it). */
export const contentSecurityPolicyMeta = contentSecurityPolicy
  .split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors '))
  .join('; ');
