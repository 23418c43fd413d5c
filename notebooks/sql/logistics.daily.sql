-- Shipments per ship date, carrier and region: shipped within 48 h, delivery delay buckets, late and lost.
SELECT ship_date, carrier, region, shipments, shipped_within_48h, ship_within_48h_rate, in_transit,
       delivered_on_time, delivered_late_1d, delivered_late_3d, delivered_late_more, lost, late_shipments
FROM {{ads.logistics_daily}}
ORDER BY ship_date, carrier, region
