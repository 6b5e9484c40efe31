// Bitstring Status List across implementations: Digital Bazaar's encoder/decoder, one JSON in and out.
//   {"op": "read", "encodedList": "u...", "indexes": [..]}         -> {"bits": [true|false, ...]}
//   {"op": "make", "id": URL, "length": n, "set": [..], "purpose": p} -> {"credential": {...}}
import {createList, decodeList, createCredential} from '@digitalbazaar/vc-bitstring-status-list';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
try {
  if(request.op === 'read') {
    const list = await decodeList({encodedList: request.encodedList});
    console.log(JSON.stringify({bits: request.indexes.map(i => list.getStatus(i)), length: list.length}));
  } else if(request.op === 'make') {
    const list = await createList({length: request.length});
    for(const i of request.set) list.setStatus(i, true);
    const credential = await createCredential({id: request.id, list, statusPurpose: request.purpose});
    console.log(JSON.stringify({credential}));
  } else {
    console.log(JSON.stringify({error: `unknown op ${request.op}`}));
  }
} catch(e) {
  console.log(JSON.stringify({error: String(e && e.message || e)}));
}
