import type { RemediatorIdentity } from '../analysis/decide.ts';
import type { NormalizedEvent } from '../events/types.ts';

function startsWithIgnoringCase(text: string | null | undefined, prefix: string): boolean {
  return typeof text === 'string' && text.toLowerCase().startsWith(prefix.toLowerCase());
}

/**
 * Why an event was caused by the remediator's own calls (its roles, users or role sessions, or its user agent), or
 * null. Such events are never acted on: a denied remediator call must not make the remediator grant itself more.
 */
export function remediatorCause(event: NormalizedEvent, remediator: RemediatorIdentity): string | null {
  const { namePrefix: prefix, userAgentMarker: marker } = remediator;
  const caller = event.caller;
  if (caller.type === 'role') {
    if (startsWithIgnoringCase(caller.roleName, prefix))
      return `the caller is the remediator's role ${caller.roleName}`;
    const session = caller.sessionArn.slice(caller.sessionArn.lastIndexOf('/') + 1);
    if (startsWithIgnoringCase(session, prefix))
      return `the caller is the remediator's role session ${session}`;
  }
  if (caller.type === 'user' && startsWithIgnoringCase(caller.userName, prefix))
    return `the caller is the remediator's user ${caller.userName}`;
  if (event.userAgent?.toLowerCase().includes(marker.toLowerCase()))
    return `the call came from the remediator's SDK clients (user agent "${event.userAgent}")`;
  return null;
}
