-- Whether the instance has a config drive (asked for at create, or forced by its compute node's
-- compute.force-config-drive); the server view shows it as config_drive "True".
ALTER TABLE instances ADD COLUMN config_drive boolean NOT NULL DEFAULT false;
