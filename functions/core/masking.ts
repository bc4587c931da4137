/** How a destination is shown to someone who has not proven who they are (DESIGN §3 pinned details). */
const BULLETS = '•••';

/** `alice@example.com` → `a•••@example.com` */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  const first = Array.from(address.slice(0, Math.max(at, 0)))[0] ?? '';
  return `${first}${BULLETS}${address.slice(at)}`;
}

/** `+15550100001` → `•••0001` */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, '');
  return `${BULLETS}${digits.slice(-4)}`;
}

export function maskDestination(channel: 'email' | 'sms', address: string): string {
  return channel === 'email' ? maskEmail(address) : maskPhone(address);
}
