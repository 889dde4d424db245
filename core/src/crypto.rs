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
/// derived from it (kept as the two HMAC states after their pad blocks, so a
/// digest costs two compressions, not four).
#[derive(Clone)]
pub(crate) struct SecretKey {
    aead: XChaCha20Poly1305,
    inner: Sha256,
    outer: Sha256,
}

/// Nonces for many seals in one call: a random 128-bit prefix drawn once,
/// then a 64-bit counter. Unique per key as long as two prefixes never meet
/// (2^-128 per pair of calls), without a system call per value. Lives for one
/// call only, so a fork can never repeat its nonces.
pub(crate) struct NonceSeq {
    prefix: [u8; 16],
    counter: u64,
}

impl NonceSeq {
    pub(crate) fn new() -> Self {
        let mut prefix = [0u8; 16];
        prefix.copy_from_slice(&XChaCha20Poly1305::generate_nonce(&mut OsRng)[..16]);
        NonceSeq { prefix, counter: 0 }
    }

    fn next(&mut self) -> XNonce {
        let mut n = [0u8; NONCE_LEN];
        n[..16].copy_from_slice(&self.prefix);
        n[16..].copy_from_slice(&self.counter.to_le_bytes());
        self.counter += 1;
        if self.counter == u64::MAX {
            *self = NonceSeq::new();
        }
        n.into()
    }
}

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
        let index_key: [u8; 32] = h.finalize().into();
        const BLOCK: usize = 64;
        let mut ipad = [0x36u8; BLOCK];
        let mut opad = [0x5cu8; BLOCK];
        for (i, k) in index_key.iter().enumerate() {
            ipad[i] ^= k;
            opad[i] ^= k;
        }
        let mut inner = Sha256::new();
        inner.update(ipad);
        let mut outer = Sha256::new();
        outer.update(opad);
        SecretKey {
            aead: XChaCha20Poly1305::new(key.into()),
            inner,
            outer,
        }
    }

    /// A keyed digest (HMAC-SHA-256 under a key derived from the host key) of
    /// `value` in `context`: equal values give equal digests, so an encrypted
    /// column can still be looked up by exact value, and nobody without the
    /// key can test a guess against the file. Truncated to 128 bits, as
    /// HMAC outputs may be: collisions stay out of reach (about 10^-26 for
    /// ten million values) while the index holding the keys is half as large.
    pub(crate) fn blind_index(&self, context: &str, value: &[u8]) -> [u8; 16] {
        let mut inner = self.inner.clone();
        inner.update(context.as_bytes());
        inner.update([0]);
        inner.update(value);
        let mut outer = self.outer.clone();
        outer.update(inner.finalize());
        let mut out = [0u8; 16];
        out.copy_from_slice(&outer.finalize()[..16]);
        out
    }

    /// Encrypt `plain`, binding it to `context` (a fresh random nonce).
    pub(crate) fn seal(&self, context: &str, plain: &[u8]) -> Result<Vec<u8>> {
        self.seal_with(&mut NonceSeq::new(), context, plain)
    }

    /// [`SecretKey::seal`] with the next nonce of `nonces` (for many values
    /// in one call).
    pub(crate) fn seal_with(
        &self,
        nonces: &mut NonceSeq,
        context: &str,
        plain: &[u8],
    ) -> Result<Vec<u8>> {
        let nonce = nonces.next();
        let ct = self
            .aead
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
        self.aead
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
    fn blind_index_is_hmac_sha256_under_the_derived_key() {
        // The precomputed pad states give exactly HMAC-SHA-256.
        let k = SecretKey::new(&[7u8; 32]);
        let mut h = Sha256::new();
        h.update(b"brandrail blind index v1\0");
        h.update([7u8; 32]);
        let index_key: [u8; 32] = h.finalize().into();
        let (mut ipad, mut opad) = ([0x36u8; 64], [0x5cu8; 64]);
        for (i, b) in index_key.iter().enumerate() {
            ipad[i] ^= b;
            opad[i] ^= b;
        }
        let mut inner = Sha256::new();
        inner.update(ipad);
        inner.update(b"phone\x0013800138000");
        let mut outer = Sha256::new();
        outer.update(opad);
        outer.update(inner.finalize());
        let want: [u8; 32] = outer.finalize().into();
        assert_eq!(k.blind_index("phone", b"13800138000"), want[..16]);
    }

    #[test]
    fn nonces_of_a_sequence_and_of_two_sequences_differ() {
        let k = SecretKey::new(&[7u8; 32]);
        let mut a = NonceSeq::new();
        let mut b = NonceSeq::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            for s in [&mut a, &mut b] {
                let sealed = k.seal_with(s, "x", b"same").unwrap();
                assert!(seen.insert(sealed[..NONCE_LEN].to_vec()));
                assert_eq!(k.open("x", &sealed).unwrap(), b"same");
            }
        }
    }

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
        assert_ne!(x[..], h.finalize()[..16]);
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
