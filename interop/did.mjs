// did:jwk with @digitalbazaar/did-method-jwk, offline.
//
// Input (stdin, JSON):
//   {op: "generate", crv: "Ed25519" | "P-256"}  -> {did, privateJwk}: a node key pair, its did:jwk as DB writes it
//   {op: "resolve", did}                          -> {jwk}: the public key DB reads from a did:jwk
import {generateKeyPairSync} from 'node:crypto';
import {driver} from '@digitalbazaar/did-method-jwk';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const input = await readStdin();
  const didJwk = driver();
  if(input.op === 'generate') {
    const {privateKey, publicKey} = input.crv === 'Ed25519' ?
      generateKeyPairSync('ed25519') : generateKeyPairSync('ec', {namedCurve: input.crv});
    const jwk = publicKey.export({format: 'jwk'});
    const {didDocument} = await didJwk.fromJwk({jwk});
    return {did: didDocument.id, privateJwk: privateKey.export({format: 'jwk'})};
  }
  if(input.op === 'resolve') {
    const didDocument = await didJwk.get({did: input.did});
    return {jwk: didDocument.verificationMethod[0].publicKeyJwk};
  }
  throw new Error(`unknown op ${input.op}`);
}

main().then(out => process.stdout.write(JSON.stringify(out)), e => {
  process.stdout.write(JSON.stringify({error: String(e && e.stack || e)}));
  process.exitCode = 1;
});
