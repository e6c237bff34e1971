import fs from 'node:fs';
import path from 'node:path';
import { ZipFile } from 'yazl';
import type { Store } from '../store';
import type { FunctionService } from './functions';
import { DEFAULT_NAMESPACE } from './namespaces';

export const SAMPLE_FUNCTION = 'hello';
const SAMPLE_DIR = path.join(__dirname, '..', '..', 'samples', 'hello');
const DEPLOYED_FLAG = 'sample.deployed';

/**
 * Deploys the sample function on the first start of a data directory, so a
 * fresh `npm start` has something to call. Only once: a user who deletes it
 * does not get it back.
 */
export async function deploySampleOnce(store: Store, functions: FunctionService): Promise<boolean> {
  if (store.settings.get(DEPLOYED_FLAG)) return false;
  if (!store.functions.get(DEFAULT_NAMESPACE, SAMPLE_FUNCTION)) {
    const zip = await zipFiles(SAMPLE_DIR, ['index.js']);
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
