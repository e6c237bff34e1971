'use strict';
// A web module for dynamic-concurrency tests: burns `?ms=` of CPU synchronously
// per request (an isolate that cannot keep up), then answers { instance } — the
// instance's random id — so a test sees where each request ran.
const BUSY = `
const instance = Math.random().toString(36).slice(2);
export default {
  fetch(request) {
    const ms = Number(new URL(request.url).searchParams.get('ms'));
    const until = Date.now() + ms;
    while (Date.now() < until);
    return Response.json({ instance });
  },
};`;

module.exports = { BUSY };
