'use strict';
// A web module for per-instance concurrency tests: each request waits until
// `?n=` requests are inside its instance at once (or 1.5 s), then answers
// { instance, peak } — the instance's random id and the most requests it held
// at once — so a test sees both where requests ran and whether they overlapped.
const GATHER = `
const instance = Math.random().toString(36).slice(2);
let active = 0;
let peak = 0;
let waiters = [];
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n'));
    active++;
    peak = Math.max(peak, active);
    if (active >= n) { for (const w of waiters) w(); waiters = []; }
    else await new Promise((resolve) => { waiters.push(resolve); setTimeout(resolve, 1500); });
    await new Promise((r) => setTimeout(r, 20));
    active--;
    return Response.json({ instance, peak });
  },
};`;

module.exports = { GATHER };
