/**
 * `compute('multibyte')` (see compute.ts): the source of the multi-byte CJK
 * decoders (runtime/sandbox/vendor/multi-byte.js, generated from @exodus/bytes
 * by bin/build-sandbox-cjk.js), which an isolate's TextDecoder evaluates the
 * first time a function decodes gbk, gb18030, big5, euc-jp, iso-2022-jp,
 * shift_jis or euc-kr — so the ~165 KB of decoders and tables cost nothing to
 * functions that never do. Read once per host process; takes no argument.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assetPath } from '../../../lib';

let source: string | null = null;

export function multibyte(): string {
  source ??= fs.readFileSync(path.join(assetPath('runtime-sandbox'), 'vendor', 'multi-byte.js'), 'utf8');
  return source;
}
