//! Encryption of secrets at rest with a key the host supplies (DESIGN rule 10).
//! XChaCha20-Poly1305 with a random 192-bit nonce per value; the record's
//! identity is bound in as associated data, so a ciphertext moved to another
//! record fails to open. The key is never stored in the database.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

const NONCE_LEN: usize = 24;

/// A 256-bit key held in memory only.
#[derive(Clone)]
pub(crate) struct SecretKey(XChaCha20Poly1305);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        SecretKey(XChaCha20Poly1305::new(key.into()))
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
