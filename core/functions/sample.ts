import fs from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';
import type { Store } from '../../store';
import type { FunctionService } from './functions';
import { DEFAULT_NAMESPACE } from '../account';
import { assetPath } from '../../lib';

export const SAMPLE_FUNCTION = 'hello';
/** The sample web function: `curl http://127.0.0.1:9000/default/hello-web/`. */
export const SAMPLE_WEB_FUNCTION = 'hello-web';
const DEPLOYED_FLAG = 'sample.deployed';
const WEB_DEPLOYED_FLAG = 'sample.web.deployed';

/**
 * Deploys the sample functions on the first start of a data directory, so a
 * fresh `npm start` has something to call: `hello` (an event function) and
 * `hello-web` (a web function at /default/hello-web/). Each only once: a
 * user who deletes one does not get it back. A data directory that got
 * `hello` before `hello-web` existed gets `hello-web` on its next start.
 */
export async function deploySampleOnce(store: Store, functions: FunctionService): Promise<boolean> {
  const web = await deployWebSampleOnce(store, functions);
  if (store.settings.get(DEPLOYED_FLAG)) return web;
  if (!store.functions.get(DEFAULT_NAMESPACE, SAMPLE_FUNCTION)) {
    const zip = await zipFiles(path.join(assetPath('samples'), 'hello'), ['index.js']);
    await functions.create(DEFAULT_NAMESPACE, SAMPLE_FUNCTION, {
      Runtime: 'Isolate',
      Handler: 'index.main_handler',
      Description: 'Sample event function deployed by isola on first start',
      Code: { ZipFile: zip.toString('base64') },
    });
  }
  store.settings.put(DEPLOYED_FLAG, new Date().toISOString());
  return true;
}

async function deployWebSampleOnce(store: Store, functions: FunctionService): Promise<boolean> {
  if (store.settings.get(WEB_DEPLOYED_FLAG)) return false;
  if (!store.functions.get(DEFAULT_NAMESPACE, SAMPLE_WEB_FUNCTION)) {
    const zip = await zipFiles(path.join(assetPath('samples'), 'hello-web'), ['index.mjs']);
    await functions.create(DEFAULT_NAMESPACE, SAMPLE_WEB_FUNCTION, {
      Runtime: 'Isolate',
      Type: 'HTTP',
      Handler: 'index.fetch',
      Description: 'Sample web function deployed by isola on first start: curl http://127.0.0.1:9000/default/hello-web/',
      Code: { ZipFile: zip.toString('base64') },
    });
  }
  store.settings.put(WEB_DEPLOYED_FLAG, new Date().toISOString());
  return true;
}

function zipFiles(dir: string, names: string[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const name of names) zip.addBuffer(fs.readFileSync(path.join(dir, name)), name, { mtime: new Date(Date.UTC(2000, 0, 1)) });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
