/** What an approval asks for, in words (the subject the API hashed is shown in full beside it). */
export function describeApproval(kind: string, subject: Record<string, unknown>): string {
  const s = (k: string) => (subject[k] === undefined || subject[k] === null ? '?' : String(subject[k]));
  switch (kind) {
    case 'cardholder-registration': {
      const list = Array.isArray(subject.cardholders) ? (subject.cardholders as Array<{ name?: string }>) : [];
      return list.length === 1 ? `Register cardholder ${list[0].name ?? '?'}` : `Register ${list.length} cardholders`;
    }
    case 'cardholder-sponsorship':
      return `Sponsor a new card for ${s('name')}`;
    case 'reissue':
      return 'Reissue a card from its escrowed content';
    case 'temporary-card':
      return 'Hand out a temporary card';
    case 'key-recovery':
      return 'Recover escrowed keys';
    case 'role-grant':
      return `Grant the role ${s('role')} to ${s('username')}`;
    case 'archive-key':
      return 'Use the archive key';
    default:
      return kind.replace(/-/g, ' ');
  }
}
