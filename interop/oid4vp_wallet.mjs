// The @openid4vc/openid4vp wallet (Openid4vpClient) answering a verifier over loopback HTTP.
//
// Input (stdin, JSON):
//   {link (openid4vp:// with request_uri), anchorPem (the X.509 root the wallet trusts),
//    credential (an SD-JWT VC issued to holder), holder: private JWK, disclose: presentationFrame,
//    aud?/nonce? (override the KB-JWT's, for the hostile cases), submit (default true)}
//   -> {steps, request (the verified request payload), client, vpToken, status, body} | {steps, step, error}
// The library fetches and verifies the signed request object, builds and encrypts the response and
// posts it; the SD-JWT presentation with its KB-JWT is made by @sd-jwt/sd-jwt-vc (the openid4vp
// package leaves building presentations to its user). This script supplies only the crypto callbacks.
import {X509Certificate, createHash, createPrivateKey, randomBytes, sign} from 'node:crypto';
import {CompactEncrypt, compactVerify, importJWK} from 'jose';
import {setGlobalConfig} from '@openid4vc/utils';
import {Openid4vpClient} from '@openid4vc/openid4vp';
import {SDJwtVcInstance} from '@sd-jwt/sd-jwt-vc';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function x509Verifier(anchorPem) {
  const anchor = new X509Certificate(anchorPem);
  return async (signer, {compact}) => {
    if(signer.method !== 'x5c') return {verified: false};
    const chain = signer.x5c.map(c => new X509Certificate(Buffer.from(c, 'base64')));
    for(let i = 0; i < chain.length; i++) {
      const parent = chain[i + 1] ?? anchor;
      if(!chain[i].verify(parent.publicKey) || !chain[i].checkIssued(parent)) return {verified: false};
    }
    try {
      await compactVerify(compact, chain[0].publicKey);
    } catch {
      return {verified: false};
    }
    return {verified: true, signerJwk: chain[0].publicKey.export({format: 'jwk'})};
  };
}

function sanOf(pem) {
  const names = (new X509Certificate(Buffer.from(pem, 'base64')).subjectAltName ?? '').split(', ');
  return {
    sanDnsNames: names.filter(n => n.startsWith('DNS:')).map(n => n.slice(4)),
    sanUriNames: names.filter(n => n.startsWith('URI:')).map(n => n.slice(4)),
  };
}

async function encryptJwe(encryptor, data) {
  const key = await importJWK(encryptor.publicJwk, encryptor.alg);
  const jwe = new CompactEncrypt(new TextEncoder().encode(data))
    .setProtectedHeader({alg: encryptor.alg, enc: encryptor.enc, ...(encryptor.publicJwk.kid ? {kid: encryptor.publicJwk.kid} : {})});
  if(encryptor.apu || encryptor.apv) {
    jwe.setKeyManagementParameters({
      ...(encryptor.apu ? {apu: Buffer.from(encryptor.apu, 'base64url')} : {}),
      ...(encryptor.apv ? {apv: Buffer.from(encryptor.apv, 'base64url')} : {}),
    });
  }
  return {jwe: await jwe.encrypt(key), encryptionJwk: encryptor.publicJwk};
}

async function present(input, clientId, nonce) {
  const holderKey = createPrivateKey({key: input.holder, format: 'jwk'});
  const sdjwt = new SDJwtVcInstance({
    hasher: (data, alg) => new Uint8Array(createHash(alg.replace('-', '')).update(data).digest()),
    hashAlg: 'sha-256',
    kbSigner: data => sign('sha256', Buffer.from(data), {key: holderKey, dsaEncoding: 'ieee-p1363'}).toString('base64url'),
    kbSignAlg: 'ES256',
  });
  return sdjwt.present(input.credential, input.disclose, {
    kb: {payload: {iat: Math.floor(Date.now() / 1000), aud: input.aud ?? clientId, nonce: input.nonce ?? nonce}},
  });
}

async function main(input) {
  setGlobalConfig({allowInsecureUrls: true});
  const client = new Openid4vpClient({callbacks: {
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: n => new Uint8Array(randomBytes(n)),
    verifyJwt: x509Verifier(input.anchorPem),
    getX509CertificateMetadata: sanOf,
    encryptJwe,
    signJwt: async () => { throw new Error('the wallet signs nothing but the KB-JWT'); },
    decryptJwe: async () => { throw new Error('no encrypted requests expected'); },
  }});
  const steps = [];
  let step = 'parseOpenid4vpAuthorizationRequest';
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({authorizationRequest: input.link});
    steps.push(step);
    step = 'resolveOpenId4vpAuthorizationRequest';
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({authorizationRequestPayload: parsed.params});
    steps.push(step);
    const request = resolved.authorizationRequestPayload;
    step = 'present (@sd-jwt/sd-jwt-vc)';
    const queryId = input.queryId ?? resolved.dcql.query.credentials[0].id;
    const presentation = await present(input, request.client_id, request.nonce);
    const vpToken = {[queryId]: [presentation], ...(input.extra ?? {})};
    steps.push(step);
    step = 'createOpenid4vpAuthorizationResponse';
    const response = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: {vp_token: vpToken},
      jarm: request.response_mode === 'direct_post.jwt' ? {
        encryption: {},
        serverMetadata: {
          authorization_encryption_alg_values_supported: ['ECDH-ES'],
          authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
        },
      } : undefined,
    });
    steps.push(step);
    const summary = {
      request: {client_id: request.client_id, response_mode: request.response_mode, response_uri: request.response_uri,
                dcql_query: request.dcql_query, nonce: request.nonce, state: request.state},
      client: {prefix: resolved.client.prefix ?? resolved.client.scheme, identifier: resolved.client.identifier},
      version: resolved.version, vpToken, jarm: response.jarm?.responseJwt ?? null,
    };
    if(input.submit === false) return {steps, ...summary};
    step = 'submitOpenid4vpAuthorizationResponse';
    const posted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload,
      jarm: response.jarm ? {responseJwt: response.jarm.responseJwt} : undefined,
    });
    steps.push(step);
    return {steps, ...summary, status: posted.response.status, body: await posted.response.text()};
  } catch(e) {
    return {steps, step, error: String(e?.message ?? e), response: e?.errorResponse ?? null};
  }
}

const input = await readStdin();
process.stdout.write(JSON.stringify(await main(input)));
