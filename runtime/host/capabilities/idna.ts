/**
 * `compute('idna', domain)` (see compute.ts): UTS #46 ToASCII of a domain as the URL Standard runs it
 * (Nontransitional, CheckBidi, CheckJoiners, no STD3 rules, no DNS length
 * check) — Node's `url.domainToASCII` (ada's IDNA, which passes the
 * web-platform-tests' IdnaTestV2) — or `''` when the domain is invalid. The
 * isolate's URL parser (sandbox/web/51-url-host.js) asks only for hosts that
 * are not plain ASCII or carry an `xn--` label; ASCII hosts never cross.
 * Domains over LIMITS.maxIdnaChars are refused (`''`).
 */
import { domainToASCII } from 'node:url';
import { LIMITS } from '../limits';

export function idna(domain: unknown): string {
  if (typeof domain !== 'string' || domain.length > LIMITS.maxIdnaChars) return '';
  return domainToASCII(domain);
}
