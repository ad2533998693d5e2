/**
 * The remediator's own name, defined once: the inline policy it writes, the user agent of its SDK clients, its role
 * sessions, the prefix it recognises its own identities by and the app name in its logs are all this.
 */
export const REMEDIATOR_NAME = 'access-remediator';
