"""Keys and signers: Ed25519, P-256 and P-384 as JWK and Multikey, and the :class:`Signer` seam."""

from thaivc.keys._private import PrivateKey, generate_key, load_key
from thaivc.keys._public import ALGORITHMS, KeyType, PublicKey
from thaivc.keys._signer import Signer
from thaivc.keys._thumbprint import jwk_thumbprint
from thaivc.keys.callback import CallbackSigner

__all__ = [
    "ALGORITHMS",
    "CallbackSigner",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "Signer",
    "generate_key",
    "jwk_thumbprint",
    "load_key",
]
