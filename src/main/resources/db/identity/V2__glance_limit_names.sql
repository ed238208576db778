-- The image service's count quota is Glance's image_count_total (it was image_count): limits
-- an operator set with Glance's documented name now apply. Rows under the old name move over
-- unless the new name already has one.
UPDATE quota_usage q SET resource_name = 'image_count_total'
  WHERE q.service_type = 'image' AND q.resource_name = 'image_count'
    AND NOT EXISTS (SELECT 1 FROM quota_usage n WHERE n.project_id = q.project_id AND n.service_type = 'image'
                    AND n.resource_name = 'image_count_total');
UPDATE registered_limits r SET resource_name = 'image_count_total'
  WHERE r.resource_name = 'image_count' AND r.service_id IN (SELECT id FROM services WHERE type = 'image')
    AND NOT EXISTS (SELECT 1 FROM registered_limits n WHERE n.service_id = r.service_id
                    AND coalesce(n.region_id, '') = coalesce(r.region_id, '') AND n.resource_name = 'image_count_total');
UPDATE limits l SET resource_name = 'image_count_total'
  WHERE l.resource_name = 'image_count' AND l.service_id IN (SELECT id FROM services WHERE type = 'image')
    AND NOT EXISTS (SELECT 1 FROM limits n WHERE coalesce(n.project_id, '') = coalesce(l.project_id, '')
                    AND coalesce(n.domain_id, '') = coalesce(l.domain_id, '') AND n.service_id = l.service_id
                    AND coalesce(n.region_id, '') = coalesce(l.region_id, '') AND n.resource_name = 'image_count_total');
