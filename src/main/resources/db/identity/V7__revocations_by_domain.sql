-- Disabling or deleting a domain revokes the tokens of its users and of its scopes.
ALTER TABLE revocations ADD COLUMN domain_id text;
