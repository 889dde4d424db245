//! Encryption of secrets at rest with a key the host supplies (DESIGN rule 10).
//! XChaCha20-Poly1305 with a random 192-bit nonce per value; the record's
//! identity is bound in as associated data, so a ciphertext moved to another
//! record fails to open. The key is never stored in the database.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;

/// A 256-bit key held in memory only, with the key of the blind index
/// derived from it.
#[derive(Clone)]
pub(crate) struct SecretKey(XChaCha20Poly1305, [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"brandrail blind index v1\0");
        h.update(key);
        SecretKey(XChaCha20Poly1305::new(key.into()), h.finalize().into())
    }

    /// A keyed digest (HMAC-SHA-256 under a key derived from the host key) of
    /// `value` in `context`: equal values give equal digests, so an encrypted
    /// column can still be looked up by exact value, and nobody without the
    /// key can test a guess against the file.
    pub(crate) fn blind_index(&self, context: &str, value: &[u8]) -> [u8; 32] {
        const BLOCK: usize = 64;
        let mut ipad = [0x36u8; BLOCK];
        let mut opad = [0x5cu8; BLOCK];
        for (i, k) in self.1.iter().enumerate() {
            ipad[i] ^= k;
            opad[i] ^= k;
        }
        let mut inner = Sha256::new();
        inner.update(ipad);
        inner.update(context.as_bytes());
        inner.update([0]);
        inner.update(value);
        let mut outer = Sha256::new();
        outer.update(opad);
        outer.update(inner.finalize());
        outer.finalize().into()
    }

    /// Encrypt `plain`, binding it to `context`.
    pub(crate) fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .0
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Configuration {
                message: "encryption failed".into(),
            })?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypt what [`SecretKey::seal`] produced for the same `context`.
    pub(crate) fn open(&self, context: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Corrupt {
                message: "sealed value is too short".into(),
            });
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Error::Configuration {
                message: "the engine's key does not open this value (wrong key or damaged data)"
                    .into(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blind_index_is_keyed_deterministic_and_context_bound() {
        let a = SecretKey::new(&[7u8; 32]);
        let b = SecretKey::new(&[8u8; 32]);
        let x = a.blind_index("phone", b"13800138000");
        assert_eq!(x, a.blind_index("phone", b"13800138000"));
        assert_ne!(x, b.blind_index("phone", b"13800138000"));
        assert_ne!(x, a.blind_index("email", b"13800138000"));
        assert_ne!(x, a.blind_index("phone", b"13800138001"));
        // Keyed: not the bare hash of context and value.
        let mut h = Sha256::new();
        h.update(b"phone\x0013800138000");
        assert_ne!(x, <[u8; 32]>::from(h.finalize()));
    }

    #[test]
    fn seals_and_opens_only_in_context_and_with_the_key() {
        let k = SecretKey::new(&[7; 32]);
        let sealed = k.seal("a", b"token").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"token"));
        assert_eq!(k.open("a", &sealed).unwrap(), b"token");
        assert!(k.open("b", &sealed).is_err());
        assert!(SecretKey::new(&[8; 32]).open("a", &sealed).is_err());
        assert!(k.open("a", &sealed[..10]).is_err());
    }
}
