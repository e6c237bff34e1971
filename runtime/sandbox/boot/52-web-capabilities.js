// Host computations of the web globals (part of the bootstrap; the `compute` capability),
// handed to the web files through their host bridge: `idna` (UTS #46 ToASCII) for the URL host parser, so
// `new URL()` maps non-ASCII and `xn--` hosts exactly while ASCII hosts stay in the
// isolate; `encoding` (a non-UTF-8 label's name and single-byte index) for TextDecoder,
// asked once per label; `multibyte` (the source of the multi-byte CJK decoders,
// sandbox/vendor/multi-byte.js) for TextDecoder, asked the first time a function decodes CJK. Without the bridge (web files absent) nothing changes.
// Uses: hostBridge, hostCompute.
{
  if (hostBridge !== null && typeof hostBridge.setDomainToASCII === 'function') hostBridge.setDomainToASCII((domain) => hostCompute('idna', domain));
  if (hostBridge !== null && typeof hostBridge.setEncodingLookup === 'function') hostBridge.setEncodingLookup((label) => hostCompute('encoding', label));
  if (hostBridge !== null && typeof hostBridge.setMultiByteSource === 'function') hostBridge.setMultiByteSource(() => hostCompute('multibyte'));
}
