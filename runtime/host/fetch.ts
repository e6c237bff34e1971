/**
 * Outbound fetch for sandboxed functions, performed by the isolate host.
 * Policy: http/https only; the resolved address of every connection (checked
 * in the socket's lookup, so DNS rebinding cannot slip through) must not be
 * loopback, link-local, private/unique-local or unspecified unless allowed;
 * redirects are followed by hand and re-checked. Bodies are capped; the whole
 * fetch runs under the invocation's remaining time.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { FetchPolicyResolved } from '../options';

export interface FetchRequest { url: string; method: string; headers: [string, string][]; body: Buffer | null }
export interface FetchResponse { status: number; statusText: string; headers: [string, string][]; body: Buffer; url: string }

function v4Class(ip: string): 'loopback' | 'private' | 'linklocal' | 'public' | 'unspecified' {
  const p = ip.split('.').map(Number);
  const [a = 0, b = 0] = p;
  if (a === 127) return 'loopback';
  if (a === 0) return 'unspecified';
  if (a === 169 && b === 254) return 'linklocal';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)) return 'private';
  if (a >= 224) return 'private';   // multicast / reserved
  return 'public';
}

/** Classifies an IP address for the policy. */
export function addressClass(ip: string): 'loopback' | 'private' | 'linklocal' | 'public' | 'unspecified' {
  if (net.isIPv4(ip)) return v4Class(ip);
  const s = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped && mapped[1]) return v4Class(mapped[1]);
  if (s === '::1') return 'loopback';
  if (s === '::') return 'unspecified';
  if (/^fe[89ab]/.test(s)) return 'linklocal';
  if (/^f[cd]/.test(s) || /^ff/.test(s)) return 'private';
  return 'public';
}

function hostMatches(host: string, patterns: string[]): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q.startsWith('*.') ? h.endsWith(q.slice(1)) : h === q;
  });
}

/** Returns a reason string when the address may not be contacted, else null. */
export function denyReason(host: string, ip: string, policy: FetchPolicyResolved): string | null {
  if (hostMatches(host, policy.allowHosts)) return null;
  const c = addressClass(ip);
  if (c === 'unspecified') return `address ${ip} is not allowed`;
  if (c === 'loopback' && !policy.allowLoopback) return `loopback address ${ip} is not allowed`;
  if (c === 'linklocal' && !policy.allowLinkLocal) return `link-local address ${ip} is not allowed`;
  if (c === 'private' && !policy.allowPrivate) return `private address ${ip} is not allowed`;
  return null;
}

const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'content-length']);

/** Performs one fetch under the policy and time budget; rejects with an Error whose message is safe to show the tenant. */
export async function policedFetch(req: FetchRequest, policy: FetchPolicyResolved, budgetMs: number): Promise<FetchResponse> {
  const deadline = Date.now() + budgetMs;
  let url = req.url, method = req.method.toUpperCase(), body = req.body;
  for (let hop = 0; ; hop++) {
    const res = await oneRequest(url, method, req.headers, body, policy, deadline - Date.now());
    const loc = res.location;
    if (loc !== null && [301, 302, 303, 307, 308].includes(res.status) && hop < policy.maxRedirects) {
      url = new URL(loc, url).toString();
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) { method = 'GET'; body = null; }
      continue;
    }
    return { status: res.status, statusText: res.statusText, headers: res.headers, body: res.body, url };
  }
}

function oneRequest(urlStr: string, method: string, headers: [string, string][], body: Buffer | null,
  policy: FetchPolicyResolved, budgetMs: number): Promise<{ status: number; statusText: string; headers: [string, string][]; body: Buffer; location: string | null }> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try { u = new URL(urlStr); } catch { reject(new Error(`invalid URL ${JSON.stringify(urlStr)}`)); return; }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') { reject(new Error(`URL scheme "${u.protocol.slice(0, -1)}" is not supported`)); return; }
    const hostname = u.hostname.replace(/^\[|\]$/g, '');
    if (hostMatches(hostname, policy.denyHosts)) { reject(new Error(`host ${hostname} is not allowed`)); return; }
    if (budgetMs <= 0) { reject(new Error('time budget exhausted')); return; }
    const lookup: net.LookupFunction = (host, opts, cb) => {
      dns.lookup(host, { ...opts, all: false }, (err, address, family) => {
        if (err) { cb(err, '', 4); return; }
        const why = denyReason(hostname, address as string, policy);
        if (why) { cb(Object.assign(new Error(why), { code: 'EPOLICY' }), '', 4); return; }
        cb(null, address as string, family as number);
      });
    };
    if (net.isIP(hostname)) {
      const why = denyReason(hostname, hostname, policy);
      if (why) { reject(new Error(why)); return; }
    }
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of headers) if (!HOP_HEADERS.has(k.toLowerCase())) outHeaders[k] = v;
    if (body) outHeaders['content-length'] = String(body.length);
    const mod = u.protocol === 'https:' ? https : http;
    const r = mod.request(u, { method, headers: outHeaders, lookup, agent: false, timeout: budgetMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > policy.maxResponseBytes) { r.destroy(new Error(`response body exceeds ${policy.maxResponseBytes} bytes`)); return; }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const pairs: [string, string][] = [];
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
        const loc = res.headers.location;
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: pairs, body: Buffer.concat(chunks), location: typeof loc === 'string' ? loc : null });
      });
      res.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const timer = setTimeout(() => r.destroy(new Error('time budget exhausted')), budgetMs);
    r.on('error', (e: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(new Error(e.code === 'EPOLICY' ? e.message : e.message || 'network error'));
    });
    r.on('timeout', () => r.destroy(new Error('time budget exhausted')));
    if (body) r.end(body); else r.end();
  });
}
