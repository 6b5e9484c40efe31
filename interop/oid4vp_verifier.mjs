// The @openid4vc/openid4vp verifier (Openid4vpVerifier) asking a wallet for an SD-JWT VC.
//
// Input (stdin, JSON), two operations, the state between them carried by the caller:
//   {op: "create", host, requestUri, responseUri, x5c: [base64 DER, leaf first], signer: private JWK (ES256),
//    dcql, enc ("A128GCM" | "A256GCM")}
//     -> {link, requestJwt, request (payload), encryptionKey (private JWK, the verifier's ephemeral key)}
//   {op: "verify", request, form (the posted form fields), encryptionKey, issuer: public JWK, now (seconds)}
//     -> {verified, vpToken, claims, kb} | {verified: false, step, error}
// The library builds and signs the request object (x5c, oauth-authz-req+jwt) and parses, decrypts
// and validates the response; the SD-JWT VC and its KB-JWT (nonce and aud) are checked by
// @sd-jwt/sd-jwt-vc, as a verifier built on these packages would do it.
import {createHash, createPublicKey, randomBytes, verify as cryptoVerify} from 'node:crypto';
import {SignJWT, compactDecrypt, exportJWK, generateKeyPair, importJWK} from 'jose';
import {setGlobalConfig} from '@openid4vc/utils';
import {Openid4vpVerifier} from '@openid4vc/openid4vp';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const hash = (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest());

function callbacks(input) {
  return {
    hash,
    signJwt: async (signer, {header, payload}) => {
      const jwt = await new SignJWT(payload).setProtectedHeader(header).sign(await importJWK(input.signer, 'ES256'));
      const {d, ...pub} = input.signer;
      return {jwt, signerJwk: pub};
    },
    decryptJwe: async jwe => {
      const {plaintext, protectedHeader} = await compactDecrypt(jwe, await importJWK(input.encryptionKey, 'ECDH-ES'));
      const {d, ...pub} = input.encryptionKey;
      return {decrypted: true, decryptionJwk: pub, payload: new TextDecoder().decode(plaintext), header: protectedHeader};
    },
    verifyJwt: async () => ({verified: false}),
    encryptJwe: async () => { throw new Error('the request is not encrypted'); },
  };
}

const verifier = input => new Openid4vpVerifier({callbacks: callbacks(input)});

async function create(input) {
  const {privateKey} = await generateKeyPair('ECDH-ES', {crv: 'P-256', extractable: true});
  const encryptionKey = {...await exportJWK(privateKey), kid: randomBytes(8).toString('base64url'), use: 'enc', alg: 'ECDH-ES'};
  const {d, ...encPublic} = encryptionKey;
  const created = await verifier(input).createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: {
      response_type: 'vp_token',
      client_id: `x509_san_dns:${input.host}`,
      response_uri: input.responseUri,
      response_mode: 'direct_post.jwt',
      nonce: randomBytes(16).toString('base64url'),
      state: randomBytes(16).toString('base64url'),
      dcql_query: input.dcql,
      client_metadata: {
        jwks: {keys: [encPublic]},
        encrypted_response_enc_values_supported: [input.enc],
        vp_formats_supported: {'dc+sd-jwt': {'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256']}},
      },
    },
    jar: {requestUri: input.requestUri, jwtSigner: {method: 'x5c', x5c: input.x5c, alg: 'ES256'}, expiresInSeconds: 300},
  });
  return {link: created.authorizationRequest, requestJwt: created.jar.authorizationRequestJwt,
          request: created.authorizationRequestPayload, encryptionKey};
}

async function check(input) {
  let step = 'parseOpenid4vpAuthorizationResponse';
  try {
    const parsed = await verifier(input).parseOpenid4vpAuthorizationResponse({
      authorizationResponse: input.form, authorizationRequestPayload: input.request,
      callbacks: callbacks(input),  // this method, unlike the others, takes them per call
    });
    const vpToken = parsed.authorizationResponsePayload.vp_token;
    step = 'SDJwtVcInstance.verify';
    const issuerKey = createPublicKey({key: input.issuer, format: 'jwk'});
    const sdjwt = new SDJwtVcInstance({
      hasher: (data, alg) => hash(new TextEncoder().encode(data), alg),
      hashAlg: 'sha-256',
      verifier: (data, sig) => cryptoVerify('sha256', Buffer.from(data), {key: issuerKey, dsaEncoding: 'ieee-p1363'}, Buffer.from(sig, 'base64url')),
      kbVerifier: async (data, sig, payload) => {
        const holder = createPublicKey({key: payload.cnf.jwk, format: 'jwk'});
        return cryptoVerify('sha256', Buffer.from(data), {key: holder, dsaEncoding: 'ieee-p1363'}, Buffer.from(sig, 'base64url'));
      },
    });
    const ids = Object.keys(vpToken);
    const presentation = vpToken[ids[0]][0];
    const result = await sdjwt.verify(presentation, {requiredClaimKeys: [], keyBindingNonce: input.request.nonce,
                                                     currentDate: input.now});
    const kb = result.kb?.payload ?? null;
    if(!kb || kb.aud !== input.request.client_id) {
      return {verified: false, step: 'KB-JWT aud', error: `aud ${kb?.aud} is not ${input.request.client_id}`};
    }
    return {verified: true, queryIds: ids, state: parsed.authorizationResponsePayload.state,
            claims: await sdjwt.getClaims(presentation), kb};
  } catch(e) {
    return {verified: false, step, error: String(e?.message ?? e)};
  }
}

setGlobalConfig({allowInsecureUrls: true});
const input = await readStdin();
const out = input.op === 'create' ? await create(input) : await check(input);
process.stdout.write(JSON.stringify(out));
