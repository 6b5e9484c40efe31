// The offline document loader the Data Integrity drivers (di.mjs, sd.mjs) share.
//
// It serves only the contexts passed in and did:key documents built from the key in the DID
// itself; anything else is an error, so nothing is ever fetched.
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';
const DID_V1 = 'https://www.w3.org/ns/did/v1';

// The did:key DID document (no fragment) or its one verification method (its own fragment).
export function didKeyDocuments(url) {
  const [did, fragment] = url.split('#');
  const multibase = did.slice('did:key:'.length);
  const vmId = `${did}#${multibase}`;
  if(fragment !== undefined && fragment !== multibase) {
    throw new Error(`not the did:key's own method: ${url}`);
  }
  const vm = {id: vmId, type: 'Multikey', controller: did, publicKeyMultibase: multibase};
  if(fragment !== undefined) {
    return {'@context': MULTIKEY_V1, ...vm};
  }
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [vm],
    assertionMethod: [vmId],
    authentication: [vmId]
  };
}

// A jsonld document loader over `contexts` ({url: document}) and did:key; refuses the rest.
export function makeLoader(contexts) {
  return async url => {
    if(Object.prototype.hasOwnProperty.call(contexts, url)) {
      return {contextUrl: null, documentUrl: url, document: contexts[url]};
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: didKeyDocuments(url)};
    }
    throw new Error(`refusing to load ${url}: not a bundled context`);
  };
}
