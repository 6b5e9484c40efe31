// Sign or verify a Data Integrity document with the Digital Bazaar libraries, offline.
//
// Input (stdin, JSON): {op: "sign" | "verify", cryptosuite, document, contexts: {url: document},
//   key: {jwk (private for "sign"), id, controller}, created?, purpose?, challenge?, domain?}
// Output (stdout, JSON): {document} for "sign"; {verified, error} for "verify".
// The document loader serves only the contexts passed in and did:key documents built from the
// key in the DID itself (loader.mjs, shared with sd.mjs); anything else is an error, so nothing is
// ever fetched.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import jsigs from 'jsonld-signatures';
import {makeLoader} from './loader.mjs';

const {purposes: {AssertionProofPurpose, AuthenticationProofPurpose}} = jsigs;
// eddsa-jcs-2022 exports one suite object for signing and another for verifying
const SUITES = {
  'eddsa-rdfc-2022': {sign: eddsaRdfc2022, verify: eddsaRdfc2022},
  'eddsa-jcs-2022': {
    sign: eddsaJcs2022.createSignCryptosuite(),
    verify: eddsaJcs2022.createVerifyCryptosuite()
  },
  'ecdsa-rdfc-2019': {sign: ecdsaRdfc2019, verify: ecdsaRdfc2019}
};

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function purposeFor(input) {
  if(input.purpose === 'authentication') {
    return new AuthenticationProofPurpose({
      challenge: input.challenge, domain: input.domain
    });
  }
  return new AssertionProofPurpose();
}

async function keyPairOf(key, secretKey) {
  const lib = key.jwk.kty === 'OKP' ? Ed25519Multikey : EcdsaMultikey;
  return lib.fromJwk({jwk: key.jwk, secretKey, id: key.id, controller: key.controller});
}

async function main() {
  const input = await readStdin();
  const suites = SUITES[input.cryptosuite];
  if(!suites) {
    throw new Error(`unsupported cryptosuite ${input.cryptosuite}`);
  }
  const documentLoader = makeLoader(input.contexts || {});
  if(input.op === 'sign') {
    const keyPair = await keyPairOf(input.key, true);
    const suite = new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: suites.sign,
      date: input.created ? new Date(input.created) : undefined
    });
    const document = await jsigs.sign(structuredClone(input.document), {
      suite, purpose: purposeFor(input), documentLoader
    });
    return {document};
  }
  if(input.op === 'verify') {
    const suite = new DataIntegrityProof({cryptosuite: suites.verify});
    const result = await jsigs.verify(input.document, {
      suite, purpose: purposeFor(input), documentLoader
    });
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
