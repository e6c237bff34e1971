/** Face of core/account/: the account's identity and root keys, TC3 signing, namespaces. */
export { type AccountIdentity, ensureIdentity } from './identity';
export { DEFAULT_NAMESPACE, NamespaceService, type NamespaceRow } from './namespaces';
export { hostnameOf, SignedHeaderError, tc3Signature } from './signing';
