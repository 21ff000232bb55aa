/**
What differs between the hosts that serve the cover API, in one table: the rest of the SDK
reads a profile from here and never tests a hostname itself. Facts come from each host's
public docs (see the README's host table); where a host documents no limit, the defaults
assume kie.ai's, the only ones documented.
*/

/** The two routes to the same cover service: the documented one, and kie.ai's Market jobs API. */
export type Api = 'legacy' | 'market';

/** A documented request rate: at most `limit` requests per `interval` ms. */
export interface Rate {
  limit: number;
  interval: number;
}

/** What the SDK knows about one host. */
export interface HostProfile {
  /** The host as the README's table names it. */
  readonly name: 'sunoapi.org' | 'kie.ai' | 'api.box' | 'apikley';
  /** The documented base URL. */
  readonly baseUrl: string;
  /** The registrable domain: a `baseUrl` on it or any of its subdomains gets this profile. */
  readonly domain: string;
  /** The path of the remaining-credits endpoint (the default of `creditsPath`). */
  readonly creditsPath: string;
  /** Whether the host can sign callbacks (kie.ai's `webhookHmacKey`). */
  readonly signsCallbacks: boolean;
  /** The routes the host documents. */
  readonly apis: readonly Api[];
  /** The default of the `api` option. */
  readonly defaultApi: Api;
  /** Documented limits: generate requests, and status requests per second; `undefined` when undocumented. */
  readonly documented: { readonly generate?: Rate; readonly statusPerSecond?: number };
  /** The default of `submitRate`: under the documented limit, with headroom for clock skew. */
  readonly submitRate: Readonly<Rate>;
  /** The default of `maxPollsPerSecond`: under the documented limit, with headroom. */
  readonly maxPollsPerSecond: number;
}

/** Defaults for a host that documents no limit: kie.ai's, with headroom, and gentle polling. */
const undocumented = {
  documented: {},
  submitRate: { limit: 18, interval: 10_000 },
  maxPollsPerSecond: 5,
} as const;

/** The known hosts. The first is the default, and the profile of any unknown host. */
export const hostProfiles = [
  {
    name: 'sunoapi.org',
    baseUrl: 'https://api.sunoapi.org',
    domain: 'sunoapi.org',
    creditsPath: 'api/v1/generate/credit',
    signsCallbacks: false,
    apis: ['legacy'],
    defaultApi: 'legacy',
    ...undocumented,
  },
  {
    name: 'kie.ai',
    baseUrl: 'https://api.kie.ai',
    domain: 'kie.ai',
    creditsPath: 'api/v1/chat/credit',
    signsCallbacks: true,
    // The Market route is kie.ai's newest; the legacy one is still online and documented.
    apis: ['legacy', 'market'],
    defaultApi: 'legacy',
    // "20 new generation requests per 10 s" (past it: 429, dropped); recordInfo 10 per s.
    documented: { generate: { limit: 20, interval: 10_000 }, statusPerSecond: 10 },
    submitRate: { limit: 18, interval: 10_000 },
    maxPollsPerSecond: 8,
  },
  {
    name: 'api.box',
    baseUrl: 'https://api.api.box',
    domain: 'api.box',
    creditsPath: 'api/v1/generate/credit',
    signsCallbacks: false,
    apis: ['legacy'],
    defaultApi: 'legacy',
    ...undocumented,
  },
  {
    name: 'apikley',
    baseUrl: 'https://api.apikley.ru',
    domain: 'apikley.ru',
    creditsPath: 'api/v1/generate/credit',
    signsCallbacks: false,
    apis: ['legacy'],
    defaultApi: 'legacy',
    ...undocumented,
  },
] as const satisfies readonly HostProfile[];

/** The profile of the host `baseUrl` names, and whether that host is a known one. */
export function hostProfileOf(baseUrl: string): { profile: HostProfile; known: boolean } {
  const hostname = new URL(baseUrl).hostname.toLowerCase().replace(/\.$/, '');
  for (const profile of hostProfiles) {
    if (hostname === profile.domain || hostname.endsWith(`.${profile.domain}`))
      return { profile, known: true };
  }
  return { profile: hostProfiles[0], known: false };
}
