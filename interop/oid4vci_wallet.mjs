// The @openid4vc/openid4vci wallet (Openid4vciClient) against an issuer over loopback HTTP.
//
// Input (stdin, JSON):
//   {offer (openid-credential-offer:// link), txCode, holder: private JWK (P-256), dpop: private JWK (P-256) | null,
//    batch (number of proofs, default 1), nonceEndpoint (bool, default true)}
//   -> {steps: [...], metadata, tokenResponse, credentials: [...]} | {steps, error, step}
// Every HTTP exchange goes through the library's own fetch calls; this script only supplies the
// cryptographic callbacks (jose) the library asks its user for.
import {createHash, randomBytes} from 'node:crypto';
import {SignJWT, importJWK} from 'jose';
import {setGlobalConfig} from '@openid4vc/utils';
import {clientAuthenticationAnonymous} from '@openid4vc/oauth2';
import {Openid4vciClient} from '@openid4vc/openid4vci';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const publicOf = ({d, ...pub}) => pub;

function callbacks(privateKeys) {
  return {
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    generateRandom: n => new Uint8Array(randomBytes(n)),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: async (signer, {header, payload}) => {
      const key = privateKeys.find(k => k.x === signer.publicJwk.x && k.y === signer.publicJwk.y);
      if(!key) throw new Error('no private key for the requested signer');
      const jwt = await new SignJWT(payload).setProtectedHeader(header).sign(await importJWK(key, signer.alg));
      return {jwt, signerJwk: publicOf(key)};
    },
  };
}

async function main(input) {
  setGlobalConfig({allowInsecureUrls: true});
  const holders = input.holders;
  const keys = [...holders, ...(input.dpop ? [input.dpop] : [])];
  const client = new Openid4vciClient({callbacks: callbacks(keys)});
  const steps = [];
  let step = 'resolveCredentialOffer';
  try {
    const offer = await client.resolveCredentialOffer(input.offer);
    steps.push(step);
    step = 'resolveIssuerMetadata';
    const metadata = await client.resolveIssuerMetadata(offer.credential_issuer);
    steps.push(step);
    step = 'retrievePreAuthorizedCodeAccessTokenFromOffer';
    const dpopSigner = input.dpop ? {signer: {method: 'jwk', alg: 'ES256', publicJwk: publicOf(input.dpop)}} : undefined;
    const token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer: offer, issuerMetadata: metadata, txCode: input.txCode ?? undefined, dpop: dpopSigner,
    });
    steps.push(step);
    if(input.stopAfterToken) return {steps, tokenResponse: token.accessTokenResponse};
    step = 'requestNonce';
    const nonce = (await client.requestNonce({issuerMetadata: metadata})).c_nonce;
    steps.push(step);
    step = 'createCredentialRequestJwtProof';
    const configurationId = offer.credential_configuration_ids[0];
    const proofs = [];
    for(const holder of holders) {
      const {jwt} = await client.createCredentialRequestJwtProof({
        issuerMetadata: metadata, credentialConfigurationId: configurationId, nonce: input.proofNonce ?? nonce,
        signer: {method: 'jwk', alg: 'ES256', publicJwk: publicOf(holder)},
      });
      proofs.push(jwt);
    }
    steps.push(step);
    step = 'retrieveCredentials';
    const response = await client.retrieveCredentials({
      issuerMetadata: metadata, credentialConfigurationId: configurationId, proofs: {jwt: proofs},
      accessToken: token.accessTokenResponse.access_token, dpop: token.dpop,
    });
    steps.push(step);
    if(!response.credentialResponse) {
      return {steps, step, error: 'no credential response', response};
    }
    return {
      steps, configurationId, issuerMetadata: metadata.credentialIssuer, tokenType: token.accessTokenResponse.token_type,
      credentials: response.credentialResponse.credentials, proofs,
    };
  } catch(e) {
    return {
      steps, step, error: String(e?.message ?? e),
      response: e?.errorResponse ?? e?.response?.body ?? null,
      status: e?.response?.status ?? null,
    };
  }
}

const input = await readStdin();
process.stdout.write(JSON.stringify(await main(input)));
