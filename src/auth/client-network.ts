import { BlockList, isIP } from 'node:net';

/**
 * Whether a client address (client-address.ts: the socket's peer, or behind a trusted proxy the
 * last X-Forwarded-For entry) lies in one of a list of networks: `10.0.0.0/8`, `2001:db8::/32`,
 * or a bare address for one host. An IPv4 peer on a dual-stack socket arrives as `::ffff:a.b.c.d`
 * and is matched as the IPv4 address it is. Anything that is not an address matches nothing.
 */
export function addressInNetworks(address: string, networks: readonly string[]): boolean {
  const plain = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1] ?? address;
  const family = isIP(plain);
  if (family === 0) return false;
  const list = new BlockList();
  for (const network of networks) {
    const [base = '', prefix] = network.split('/');
    const baseFamily = isIP(base);
    if (baseFamily === 0) continue;
    const type = baseFamily === 4 ? 'ipv4' : 'ipv6';
    list.addSubnet(base, prefix === undefined ? (baseFamily === 4 ? 32 : 128) : Number(prefix), type);
  }
  return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}
