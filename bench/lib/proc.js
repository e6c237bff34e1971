'use strict';
/**
 * Resident memory and CPU time of a process tree on Linux, from /proc: a process, its
 * children (every thread's `children` list), their children, and so on.
 */
const fs = require('node:fs');

/** Pids of `pid` and all its descendants (those alive now). */
function processTree(pid) {
  const seen = new Set();
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop();
    if (seen.has(p)) continue;
    seen.add(p);
    let tasks = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of tasks) {
      let text = '';
      try {
        text = fs.readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of text.split(/\s+/).filter(Boolean)) stack.push(Number(child));
    }
  }
  return [...seen];
}

/** VmRSS of one process in kB (0 if it is gone). */
function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size of one process in kB (shared pages split among sharers), or undefined when unreadable. */
function pssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Memory of the tree rooted at `pid`: { processes, rssKb, pssKb, perProcess }.
 * RSS sums count pages shared between processes once per process; PSS does
 * not (undefined when smaps_rollup is unreadable).
 */
function treeMemory(pid) {
  const pids = processTree(pid);
  let rss = 0;
  let pss = 0;
  let pssKnown = true;
  const perProcess = [];
  for (const p of pids) {
    const r = rssKb(p);
    const s = pssKb(p);
    rss += r;
    if (s === undefined) pssKnown = false;
    else pss += s;
    perProcess.push({ pid: p, rssKb: r, pssKb: s });
  }
  return { processes: pids.length, rssKb: rss, pssKb: pssKnown ? pss : undefined, perProcess };
}


const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system, ms) one process has used so far, 0 if it is gone. */
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU time (ms) of the tree rooted at `pid`, split: { root, children } — for an
 * isola server the gateway process and its isolate hosts. Children that exit
 * between two readings take their time with them (fine for a steady run).
 */
function treeCpu(pid) {
  const pids = processTree(pid);
  let children = 0;
  for (const p of pids) if (p !== pid) children += cpuMs(p);
  return { root: cpuMs(pid), children };
}

/**
 * Wraps a load generator: CPU time the target's server (`options.pid`) used
 * during the run (from /proc: the server process, and for isola its isolate
 * hosts apart), per answered request or echoed message, in µs — where a
 * request's cost goes. Adds { cpuUs: { server, hosts } } to the result.
 */
function withCpu(load) {
  return async (options) => {
    const before = treeCpu(options.pid);
    const r = await load(options);
    const after = treeCpu(options.pid);
    const per = (ms) => (r.requests > 0 ? (ms * 1000) / r.requests : NaN);
    return { ...r, cpuUs: { server: per(after.root - before.root), hosts: per(after.children - before.children) } };
  };
}

/**
 * Every thread of the tree rooted at `pid` now: [{ pid, tid, cpuMs, waitMs, sleeps }] — CPU time
 * (user + system), time spent runnable but waiting for a CPU (/proc/…/schedstat's second field), and
 * voluntary context switches (the thread blocked: nothing to do, or waiting for a lock or a read).
 */
function threadTimes(pid) {
  const rows = [];
  for (const p of processTree(pid)) {
    let tids = [];
    try {
      tids = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const dir = `/proc/${p}/task/${tid}`;
        const stat = fs.readFileSync(`${dir}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const sched = fs.readFileSync(`${dir}/schedstat`, 'utf8').trim().split(' ');
        const sleeps = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(fs.readFileSync(`${dir}/status`, 'utf8'));
        rows.push({ pid: p, tid: Number(tid), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS, waitMs: Number(sched[1]) / 1e6, sleeps: sleeps ? Number(sleeps[1]) : 0 });
      } catch {
        // exited meanwhile
      }
    }
  }
  return rows;
}

/** Jiffies of the whole machine from /proc/stat: { idle (idle + iowait), total }. */
function machineJiffies() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

module.exports = { processTree, rssKb, pssKb, treeMemory, cpuMs, treeCpu, withCpu, threadTimes, machineJiffies };
