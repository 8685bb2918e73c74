-- The access-token issuer every control-plane replica uses when neither oauth_issuer nor
-- public_url is configured: the first start records its own (app.rs), the others adopt it.
ALTER TABLE config_state ADD COLUMN oauth_issuer TEXT;
