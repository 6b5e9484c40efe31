// Sign or verify compact JWS (vc+jwt, vp+jwt) with npm `jose`, offline.
//
// Input (stdin, JSON):
//   {op: "sign", jwk (private), header, payload}            -> {token}
//   {op: "verify", token, jwk (public), typ, currentDate}    -> {verified, header, payload} | {verified: false, error}
// "verify" uses jwtVerify: signature, typ, and exp/nbf/iat at currentDate (seconds). The algorithm
// comes from the header and must fit the key (jose refuses anything else).
import {CompactSign, importJWK, jwtVerify, decodeProtectedHeader} from 'jose';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function main() {
  const input = await readStdin();
  if(input.op === 'sign') {
    const key = await importJWK(input.jwk, input.header.alg);
    const payload = new TextEncoder().encode(JSON.stringify(input.payload));
    const token = await new CompactSign(payload).setProtectedHeader(input.header).sign(key);
    return {token};
  }
  if(input.op === 'verify') {
    try {
      const {alg} = decodeProtectedHeader(input.token);
      const key = await importJWK(input.jwk, alg);
      const {payload, protectedHeader} = await jwtVerify(input.token, key, {
        typ: input.typ, currentDate: new Date(input.currentDate * 1000)
      });
      return {verified: true, header: protectedHeader, payload};
    } catch(e) {
      return {verified: false, error: `${e.code || e.name}: ${e.message}`};
    }
  }
  throw new Error(`unknown op ${input.op}`);
}

main().then(out => process.stdout.write(JSON.stringify(out)), e => {
  process.stdout.write(JSON.stringify({error: String(e && e.stack || e)}));
  process.exitCode = 1;
});
