// Issue, present or verify an SD-JWT VC with @sd-jwt/sd-jwt-vc, offline.
//
// Input (stdin, JSON):
//   {op: "issue", jwk (issuer private), alg, kid, claims, disclosureFrame}     -> {token}
//   {op: "present", token, presentationFrame, holder: {jwk private, alg}, nonce, aud, iat} -> {token}
//   {op: "verify", token, jwk (issuer public), nonce, currentDate}               -> {verified, payload, kb} | {verified: false, error}
// Keys are JWKs; signatures are raw (Ed25519 R||S, ECDSA r||s) as JOSE requires.
import {createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify} from 'node:crypto';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const HASH = {EdDSA: null, Ed25519: null, ES256: 'sha256', ES384: 'sha384'};

function signer(jwk, alg) {
  const key = createPrivateKey({key: jwk, format: 'jwk'});
  return data => sign(HASH[alg], Buffer.from(data), {key, dsaEncoding: 'ieee-p1363'}).toString('base64url');
}

function verifierFor(jwk) {
  const key = createPublicKey({key: jwk, format: 'jwk'});
  const alg = jwk.kty === 'OKP' ? null : (jwk.crv === 'P-384' ? 'sha384' : 'sha256');
  return (data, sig) => verify(alg, Buffer.from(data), {key, dsaEncoding: 'ieee-p1363'}, Buffer.from(sig, 'base64url'));
}

const common = {
  hasher: (data, alg) => new Uint8Array(createHash(alg.replace('-', '')).update(data).digest()),
  hashAlg: 'sha-256',
  saltGenerator: n => randomBytes(n).toString('base64url'),
};

async function main() {
  const input = await readStdin();
  if(input.op === 'issue') {
    const sdjwt = new SDJwtVcInstance({...common, signer: signer(input.jwk, input.alg), signAlg: input.alg});
    const token = await sdjwt.issue(input.claims, input.disclosureFrame, {header: {kid: input.kid}});
    return {token};
  }
  if(input.op === 'present') {
    const sdjwt = new SDJwtVcInstance({
      ...common, kbSigner: signer(input.holder.jwk, input.holder.alg), kbSignAlg: input.holder.alg
    });
    const token = await sdjwt.present(input.token, input.presentationFrame, {
      kb: {payload: {iat: input.iat, aud: input.aud, nonce: input.nonce}}
    });
    return {token};
  }
  if(input.op === 'verify') {
    const sdjwt = new SDJwtVcInstance({
      ...common,
      verifier: verifierFor(input.jwk),
      kbVerifier: (data, sig, payload) => verifierFor(payload.cnf.jwk)(data, sig),
    });
    try {
      const result = await sdjwt.verify(input.token, {
        keyBindingNonce: input.nonce, currentDate: input.currentDate, requiredClaimKeys: input.requiredClaimKeys
      });
      return {verified: true, payload: result.payload, kb: result.kb ?? null, header: result.header};
    } catch(e) {
      return {verified: false, error: `${e.name}: ${e.message}`};
    }
  }
  throw new Error(`unknown op ${input.op}`);
}

main().then(out => process.stdout.write(JSON.stringify(out)), e => {
  process.stdout.write(JSON.stringify({error: String(e && e.stack || e)}));
  process.exitCode = 1;
});
