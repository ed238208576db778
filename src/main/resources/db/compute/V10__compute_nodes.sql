-- Compute nodes: the virtualisation each host really uses (decided by a probe at agent start),
-- and the image's disk format on the instance, so a build taken back from a host that went down
-- can be sent to another without asking the image service again.
ALTER TABLE hosts ADD COLUMN virt_type text NOT NULL DEFAULT '';
ALTER TABLE hosts ADD COLUMN virt_probe text;
ALTER TABLE instances ADD COLUMN image_format text;
