/**
Whether a host on the public internet can reach a URL: the first item of the callback
troubleshooting list is a callback URL that only the sender's own network knows
(`localhost`, `192.168.…`, `.local`). Such a URL costs a credit and delivers nothing, so
`covers.generate()` refuses it before anything is sent — unless `baseUrl` is itself local
(the simulator, a proxy in your network), which the SDK takes to reach what you reach.

Only the URL is judged, never DNS: a public name that resolves to a private address is
not caught (the SDK cannot see what the host's resolver sees).
*/
import { InvalidArgumentError } from './errors.js';

/**
Address ranges no public host can reach: "this network", private, carrier-grade NAT,
loopback, link-local, IETF protocol, documentation, benchmarking, multicast, reserved and
broadcast (IPv4); IPv4-compatible, loopback, discard, local-use NAT64, documentation,
unique-local, link-local, site-local and multicast (IPv6). IPv4-mapped, NAT64 and 6to4
IPv6 addresses are judged by the IPv4 address inside.
*/
const ranges = (
  '0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 ' +
  '192.0.2.0/24 192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 224.0.0.0/3 ' +
  '::1/128 ::/96 100::/64 64:ff9b:1::/48 2001:db8::/32 fc00::/7 fe80::/10 fec0::/10 ff00::/8'
)
  .split(' ')
  .map((range) => {
    const [address = '', bits] = range.split('/');
    return { range, value: toBigInt(address), bits: Number(bits) };
  });

/** IPv6 prefixes with an IPv4 address inside, and how far up from the last bit it sits. */
const embedded = [
  { value: 0xffffn << 32n, bits: 96, at: 0 }, // ::ffff:0:0/96, IPv4-mapped
  { value: 0x64ff9bn << 96n, bits: 96, at: 0 }, // 64:ff9b::/96, NAT64
  { value: 0x2002n << 112n, bits: 16, at: 80 }, // 2002::/16, 6to4
];

/** An address as a number (IPv4: 32 bits, IPv6: 128), as the URL parser writes it. */
function toBigInt(address: string): bigint {
  if (!address.includes(':')) {
    return address.split('.').reduce((sum, part) => (sum << 8n) | BigInt(part), 0n) << 96n;
  }
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const written = [...groups(head), ...(tail === undefined ? [] : groups(tail))].length;
  const all = [
    ...groups(head),
    ...Array<string>(tail === undefined ? 0 : 8 - written).fill('0'),
    ...(tail === undefined ? [] : groups(tail)),
  ];
  return all.reduce((sum, group) => (sum << 16n) | BigInt(`0x${group}`), 0n);
}

/** The range of `ranges` that holds `value`, if any (IPv4 values sit in the top 32 bits). */
function rangeOf(value: bigint, v4: boolean): string | undefined {
  for (const { range, value: base, bits } of ranges) {
    if (range.includes(':') === v4) continue;
    const shift = BigInt((v4 ? 32 : 128) - bits + (v4 ? 96 : 0));
    if (value >> shift === base >> shift) return range;
  }
  return undefined;
}

/**
Why no public host can reach `hostname`, or `undefined` when one may. `hostname` is as the
WHATWG URL parser leaves it (`new URL(…).hostname`): lower case, IPv4 in dotted decimal
whatever form was written (`2130706433`, `0x7f.1`), IPv6 in brackets and compressed.
@internal
*/
export function unreachableReason(hostname: string): string | undefined {
  const name = hostname.replace(/\.$/, '');
  const v6 = name.startsWith('[');
  if (v6 || /^[\d.]+$/.test(name)) {
    const value = toBigInt(v6 ? name.slice(1, -1) : name);
    for (const { value: base, bits, at } of v6 ? embedded : []) {
      if (value >> BigInt(128 - bits) === base >> BigInt(128 - bits)) {
        const inside = rangeOf(((value >> BigInt(at)) & 0xffffffffn) << 96n, true);
        return inside && `an address inside ${inside}, a range no public host can reach`;
      }
    }
    const range = rangeOf(value, !v6);
    return range && `an address in ${range}, a range no public host can reach`;
  }
  if (name === 'localhost' || name.endsWith('.localhost')) return 'localhost';
  for (const suffix of ['.local', '.internal', '.home.arpa']) {
    if (name.endsWith(suffix)) return `a ${suffix} name, which only your network resolves`;
  }
  // `app`, `receiver`: a name only a local resolver (Docker, a search domain) knows.
  if (!name.includes('.')) return 'a name without a dot, which only your network resolves';
  return undefined;
}

/** Options of {@link checkCallbackUrlReachable}: the client's, as normalized. */
export interface ReachabilityOptions {
  baseUrl: string;
  allowPrivateCallbackUrl: boolean;
}

/**
Throws `InvalidArgumentError` when `callbackUrl` is one no public host can reach while
`baseUrl` is a public host. The message names the hostname only: the path or query may
hold a token.
@internal
*/
export function checkCallbackUrlReachable(
  where: string,
  callbackUrl: string,
  options: ReachabilityOptions,
): void {
  if (options.allowPrivateCallbackUrl) return;
  const base = new URL(options.baseUrl);
  if (unreachableReason(base.hostname) !== undefined) return;
  const url = new URL(callbackUrl);
  const reason = unreachableReason(url.hostname);
  if (reason === undefined) return;
  throw new InvalidArgumentError(
    `${where}: the callback URL's host ${url.host} is ${reason}, which ${base.host} cannot reach: the callback would never arrive. ` +
      'Give a public URL (deploy the receiver, or expose it with a tunnel such as cloudflared or ngrok), ' +
      'or no callback URL at all and let polling deliver the result. ' +
      'If this host can reach it (e.g. a proxy inside your network), set `allowPrivateCallbackUrl: true`.',
  );
}
