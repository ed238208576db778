-- The local disks an instance's block_device_mapping_v2 asked for (blank local entries):
-- {"ephemerals": [{"size_gb": N, "guest_format": "ext4"|null}, ...], "swap_mb": M}. NULL: the
-- flavor's ephemeral disk and swap.
ALTER TABLE instances ADD COLUMN local_disks jsonb;
