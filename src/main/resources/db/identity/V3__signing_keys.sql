-- Token signing keys, shared by every controller of the cloud (one key set, not one per node).
-- The newest key without retired_at signs; every key still here verifies, so rotation never
-- invalidates a token that is still valid. A key is deleted once no token it signed can be
-- valid any more. The private key is encrypted (AES-256-GCM, 12-byte nonce || ciphertext, the
-- kid as associated data) with the key-encryption secret (identity.key-secret or
-- <state-dir>/keys/key-encryption-secret), which never enters the database.
CREATE TABLE signing_keys (
  kid         text PRIMARY KEY,
  public_pem  text NOT NULL,
  private_key bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);
