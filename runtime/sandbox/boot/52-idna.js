// International domain names (part of the bootstrap): hands the `idna` capability
// (UTS #46 ToASCII on the host) to the web files' URL host parser through the host
// bridge, so `new URL()` maps non-ASCII and `xn--` hosts exactly; ASCII hosts stay in
// the isolate. Without the bridge (web files absent) nothing changes.
// Uses: hostBridge, hostIdna.
{
  if (hostBridge !== null && typeof hostBridge.setDomainToASCII === 'function') hostBridge.setDomainToASCII(hostIdna);
}
