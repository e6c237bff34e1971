'use strict';
// native/sandbox: which cgroup hierarchy holds memory and pids, detected from /proc/self/mountinfo
// and /proc/self/cgroup — this machine's hybrid layout (v1 memory and pids, a v2 mount without
// them), a pure v2 host (systemd), a v1-only host, a container whose hierarchy is mounted at its
// own group, and no cgroups at all. Pure parsing on given texts, so every layout is tested here.
const t = require('tap');
const fs = require('node:fs');
const { cgroupLayoutOf } = require('../dist/native');

const files = (map) => (file) => map[file] ?? null;

t.test('hybrid: v1 memory and pids, a v2 mount without them (this machine)', async (t) => {
  const mountinfo = [
    '35 25 0:30 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw',
    '37 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:14 - cgroup cgroup rw,memory',
    '40 25 0:35 / /sys/fs/cgroup/pids rw,relatime shared:17 - cgroup cgroup rw,pids',
    '41 25 0:36 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:18 - cgroup cgroup rw,cpu,cpuacct',
  ].join('\n');
  const own = '8:pids:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/\n';
  t.same(cgroupLayoutOf(mountinfo, own, files({ '/sys/fs/cgroup/unified/cgroup.controllers': 'hugetlb\n' })).placements, {
    memory: { version: 1, ownDir: '/sys/fs/cgroup/memory/process_api/abc' },
    pids: { version: 1, ownDir: '/sys/fs/cgroup/pids' },
  });
});

t.test('pure v2 (systemd): both in the unified hierarchy, under the service\'s own group', async (t) => {
  const mountinfo = '30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';
  const own = '0::/system.slice/isola.service\n';
  const layout = cgroupLayoutOf(mountinfo, own, files({ '/sys/fs/cgroup/system.slice/isola.service/cgroup.controllers': 'cpuset cpu io memory pids\n' }));
  t.same(layout.placements, {
    memory: { version: 2, ownDir: '/sys/fs/cgroup/system.slice/isola.service' },
    pids: { version: 2, ownDir: '/sys/fs/cgroup/system.slice/isola.service' },
  });
  const without = cgroupLayoutOf(mountinfo, own, files({ '/sys/fs/cgroup/system.slice/isola.service/cgroup.controllers': 'cpu io\n' }));
  t.same(without.placements, {}, 'controllers not delegated to the group: none (the rlimit fallbacks apply)');
});

t.test('v1 only, and a container whose hierarchy is mounted at its own group', async (t) => {
  const v1 = [
    '37 25 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
    '40 25 0:35 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
  ].join('\n');
  t.same(cgroupLayoutOf(v1, '5:pids:/user.slice\n4:memory:/user.slice\n', files({})).placements, {
    memory: { version: 1, ownDir: '/sys/fs/cgroup/memory/user.slice' },
    pids: { version: 1, ownDir: '/sys/fs/cgroup/pids/user.slice' },
  });
  const container = '30 24 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw';
  t.same(cgroupLayoutOf(container, '0::/docker/abc\n', files({ '/sys/fs/cgroup/cgroup.controllers': 'memory pids' })).placements, {
    memory: { version: 2, ownDir: '/sys/fs/cgroup' },
    pids: { version: 2, ownDir: '/sys/fs/cgroup' },
  }, 'the mount root is stripped from the own path');
  t.same(cgroupLayoutOf('22 1 0:21 / /proc rw - proc proc rw', '0::/\n', files({})).placements, {}, 'no cgroup mounted: none');
});

t.test('this machine, read live, agrees with what the sandbox describes', async (t) => {
  const layout = cgroupLayoutOf(fs.readFileSync('/proc/self/mountinfo', 'utf8'), fs.readFileSync('/proc/self/cgroup', 'utf8'), (f) => {
    try { return fs.readFileSync(f, 'utf8'); } catch { return null; }
  });
  for (const [c, p] of Object.entries(layout.placements)) {
    t.ok(fs.existsSync(p.ownDir), `${c}: v${p.version} at ${p.ownDir}`);
  }
});
