/** Face of core/account/: the account's identity and root keys, TC3 signing, namespaces. */
export { type AccountIdentity, ensureIdentity } from './identity';
export { DEFAULT_NAMESPACE, NamespaceService, type NamespaceRow } from './namespaces';
export { hostnameOf, sha256Hex, signBytes, SignedHeaderError, signingKey, signString, stringToSign, tc3Signature } from './signing';
