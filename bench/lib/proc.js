'use strict';
/**
 * Resident memory of a process tree on Linux, from /proc: a process, its
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

module.exports = { processTree, rssKb, pssKb, treeMemory };
