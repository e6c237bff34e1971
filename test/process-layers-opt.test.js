'use strict';
// Layers of a subprocess function are merged as its /opt in binding order (a later layer's file
// wins) and importable: Python from sys.path's /opt, Node.js through NODE_PATH's /opt/node_modules.
const t = require('tap');
const { writeTree } = require('./fixtures/runtime/util');
const { processExecutor } = require('./helpers/process-executor');

t.test('two layers: merged, the later file wins, modules importable', async (t) => {
  const { deploy } = processExecutor(t);
  const first = writeTree({ 'shared.py': "WHO = 'first'\n", 'only_first.py': "X = 1\n", 'node_modules/lib/index.js': "module.exports = 'first';" });
  const second = writeTree({ 'shared.py': "WHO = 'second'\n", 'node_modules/lib/index.js': "module.exports = 'second';" });
  const py = deploy({ 'index.py': 'import shared, only_first, os\ndef main_handler(event, context):\n    return [shared.WHO, only_first.X, sorted(os.listdir(os.environ["ISOLA_OPT_DIR"]))]\n' }, { layerDirs: [first, second] });
  const o = await py.invoke({});
  t.equal(o.kind, 'ok', o.errorMessage);
  t.same(JSON.parse(o.result), ['second', 1, ['node_modules', 'only_first.py', 'shared.py']]);
  const js = deploy({ 'index.js': "exports.main_handler = () => require('lib');" }, { runtime: 'Nodejs18.15', layerDirs: [first, second] });
  const n = await js.invoke({});
  t.equal(n.result, '"second"', n.errorMessage);
});
