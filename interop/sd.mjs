// ecdsa-sd-2023 with the Digital Bazaar libraries, offline: base proof, derive, verify.
//
// Input (stdin, JSON): {op: "sign" | "derive" | "verify", document, contexts: {url: document},
//   key: {jwk (private, for "sign"), id, controller}, created?, mandatoryPointers?, selectivePointers?}
// Output (stdout, JSON): {document} for "sign" and "derive"; {verified, error} for "verify".
// The document loader serves only the contexts passed in and did:key documents built from the DID
// itself (loader.mjs, shared with di.mjs): nothing is ever fetched.
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  createDiscloseCryptosuite, createSignCryptosuite, createVerifyCryptosuite
} from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import jsigs from 'jsonld-signatures';
import {makeLoader} from './loader.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const input = await readStdin();
  const documentLoader = makeLoader(input.contexts || {});
  const purpose = new AssertionProofPurpose();
  if(input.op === 'sign') {
    const keyPair = await EcdsaMultikey.fromJwk({
      jwk: input.key.jwk, secretKey: true, id: input.key.id, controller: input.key.controller
    });
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(),
      cryptosuite: createSignCryptosuite({mandatoryPointers: input.mandatoryPointers || []}),
      date: input.created ? new Date(input.created) : undefined
    });
    const document = await jsigs.sign(structuredClone(input.document), {suite, purpose, documentLoader});
    return {document};
  }
  if(input.op === 'derive') {
    const suite = new DataIntegrityProof({
      cryptosuite: createDiscloseCryptosuite({selectivePointers: input.selectivePointers || []})
    });
    const document = await jsigs.derive(structuredClone(input.document), {suite, purpose, documentLoader});
    return {document};
  }
  if(input.op === 'verify') {
    const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
    const result = await jsigs.verify(input.document, {suite, purpose, documentLoader});
    const error = result.error ?
      String(result.error.errors ? result.error.errors.map(e => e.message) : result.error.message) : null;
    return {verified: result.verified, error};
  }
  throw new Error(`unknown op ${input.op}`);
}

main().then(out => {
  process.stdout.write(JSON.stringify(out));
}).catch(err => {
  process.stdout.write(JSON.stringify({error: String(err && err.stack || err)}));
  process.exitCode = 1;
});
